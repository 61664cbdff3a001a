"""An experiment's evaluation: written and revised by staff until the decision."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotAllowed
from ..extensions import db
from ..lifecycle import RECORDING_STATES
from ..models import Evaluation, Experiment, User
from ..models.written import writing_language
from ..patterns import web_address_pattern
from ..rules import LINK_MAX, REASON_MAX, USERS_MAX
from ..vocabulary import Recommendation
from . import subscriptions
from .inputs import Fields
from .transaction import unit_of_work

WEB_ADDRESS = re.compile(web_address_pattern())
EVALUATION_FIELDS = (
    "got_users",
    "users_count",
    "part_of_services",
    "benefits_city",
    "benefits_customers",
    "research_value",
    "research_link",
    "findings",
    "recommendation",
)
TEXTS = ("benefits_city", "benefits_customers", "findings")


def save_evaluation(experiment: Experiment, actor: User, **values: object) -> Evaluation:
    """Write or revise the evaluation until the decision; raises NotAllowed, Invalid, Conflict."""
    if actor is None or not getattr(actor, "is_staff", False):
        raise NotAllowed(_("Only city staff and programme managers evaluate experiments."))
    if experiment.proposal.status not in RECORDING_STATES:
        raise Conflict(
            _("The decision on this experiment is made: its evaluation can no longer be revised.")
        )
    checked = evaluation_values(values)
    try:
        with unit_of_work():
            first = experiment.evaluation is None
            evaluation = experiment.evaluation or Evaluation(experiment=experiment)
            for name, value in checked.items():
                setattr(evaluation, name, value)
            evaluation.author_id = actor.id
            evaluation.language = writing_language()  # the texts are the latest author's
            db.session.add(evaluation)
            if first:  # news to subscribers once; revisions are not
                subscriptions.experiment_news(experiment, subscriptions.Event.EVALUATED)
    except IntegrityError as error:
        raise Conflict(
            _("Someone else saved the evaluation at the same moment; reload the page.")
        ) from error
    return evaluation


def evaluation_values(values: Mapping[str, object]) -> dict[str, object]:
    """The evaluation's checked values by field; raises Invalid naming each wrong field."""
    fields = Fields()
    for unknown in sorted(set(values) - set(EVALUATION_FIELDS)):
        fields.fail(unknown, _("Unknown field."))
    checked: dict[str, object] = {
        "got_users": fields.boolean("got_users", values.get("got_users")),
        "users_count": fields.integer(
            "users_count",
            values.get("users_count"),
            0,
            USERS_MAX,
            _("Enter the number of users as a whole number of 0 or more."),
            required=False,
        ),
        "part_of_services": fields.boolean("part_of_services", values.get("part_of_services")),
        "research_value": fields.boolean("research_value", values.get("research_value")),
        "research_link": (
            research_link := fields.text(
                "research_link", values.get("research_link"), max_length=LINK_MAX, one_line=True
            )
        ),
    }
    if research_link and not _is_web_address(research_link):
        fields.fail("research_link", _("Enter a web address starting with https://."))
    for name in TEXTS:
        checked[name] = fields.text(name, values.get(name), max_length=REASON_MAX)
    checked["recommendation"] = fields.choice(
        "recommendation", values.get("recommendation"), Recommendation
    )
    fields.raise_if_any()
    return checked


def _is_web_address(link: str) -> bool:
    return WEB_ADDRESS.fullmatch(link) is not None
