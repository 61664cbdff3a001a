"""The typed SQLAlchemy models. Thin: they never commit and never send mail."""

from .. import append_only  # noqa: F401 (its listener adds the triggers to create_all)
from . import indexes  # noqa: F401 (indexes the benchmark measured; they attach to tables)
from .accounts import AccountChange
from .assignments import ConflictOfInterest, ReviewerAssignment
from .attachments import Attachment, AttachmentContent
from .audit import AuditEntry
from .conversation import ProposalMessage
from .experiment import (
    Evaluation,
    Expense,
    Experiment,
    ExperimentPartner,
    Participation,
    RecordChange,
    Risk,
)
from .experiment_feedback import ExperimentFeedback, FeedbackStatus
from .feedback import Feedback
from .mail import MailMessage, MailStatus
from .milestones import ExperimentMilestone
from .programmes import Call, Programme, ProgrammeYear
from .proposals import (
    REVIEW_CRITERIA,
    Proposal,
    ProposalCentre,
    ProposalSdg,
    Review,
    StatusChange,
    proposal_partner,
)
from .reports import (
    ExperimentReport,
    ReminderKind,
    ReportCount,
    ReportReminder,
    ReportStatus,
    TeamMember,
)
from .risk import RiskVersion
from .scorecard import GoalFollowUp, ProgrammeGoal, ProgrammeRisk
from .staged import StagedDecision, StagedMove
from .statistics_generation import StatisticsGeneration
from .subscriptions import ExperimentSubscription
from .tokens import ApiToken
from .users import Organisation, User

__all__ = [
    "REVIEW_CRITERIA",
    "AccountChange",
    "Attachment",
    "AttachmentContent",
    "AuditEntry",
    "ApiToken",
    "Call",
    "ConflictOfInterest",
    "Evaluation",
    "Expense",
    "Experiment",
    "ExperimentMilestone",
    "ExperimentReport",
    "ExperimentSubscription",
    "ExperimentPartner",
    "ExperimentFeedback",
    "Feedback",
    "FeedbackStatus",
    "GoalFollowUp",
    "MailMessage",
    "MailStatus",
    "Organisation",
    "Participation",
    "Programme",
    "ProgrammeGoal",
    "ProgrammeRisk",
    "ProgrammeYear",
    "Proposal",
    "ProposalCentre",
    "ProposalMessage",
    "StagedDecision",
    "StagedMove",
    "ProposalSdg",
    "RecordChange",
    "ReminderKind",
    "ReportCount",
    "ReportReminder",
    "ReportStatus",
    "Review",
    "ReviewerAssignment",
    "Risk",
    "RiskVersion",
    "StatisticsGeneration",
    "StatusChange",
    "TeamMember",
    "User",
    "proposal_partner",
]
