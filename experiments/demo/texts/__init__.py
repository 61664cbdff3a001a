"""Texts of the demo programme, by part of its storyline: the twenty experiments carried out
(carried_out), the ideas the other proposals are composed from (ideas), the calls and how
proposals and pilots go (calls), and the names of people and organisations (names).
Realistic, in Finnish and English.
"""

from .calls import (
    ANSWERS,
    CALLS,
    EXPENSES,
    QUESTIONS,
    REJECTIONS,
    RISKS,
    WITHDRAWALS,
)
from .carried_out import (
    EXPERIMENTS,
)
from .ideas import (
    CENTRE_NAMES,
    IDEAS,
    TARGET_GROUPS,
)
from .names import (
    COMMUNITY_KINDS,
    COMMUNITY_PLACES,
    COMPANY_DOMAINS,
    COMPANY_WORDS,
    EDUCATION_ORGS,
    FIRST_NAMES,
    LAST_NAMES,
    RESEARCH_ORGS,
)

__all__ = [
    "ANSWERS",
    "CALLS",
    "CENTRE_NAMES",
    "COMMUNITY_KINDS",
    "COMMUNITY_PLACES",
    "COMPANY_DOMAINS",
    "COMPANY_WORDS",
    "EDUCATION_ORGS",
    "EXPENSES",
    "EXPERIMENTS",
    "FIRST_NAMES",
    "IDEAS",
    "LAST_NAMES",
    "QUESTIONS",
    "REJECTIONS",
    "RESEARCH_ORGS",
    "RISKS",
    "TARGET_GROUPS",
    "WITHDRAWALS",
]
