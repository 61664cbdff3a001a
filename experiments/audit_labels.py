"""The audit trail in people's words: what each kind of object is called, each field's label
(the one its form uses), each value as the pages show it, each action as a verb.

The API and the SPEC's CSV keep the stored codes; the /audit page, every object's own history
and the CSV's `?labels=1` read them from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString, format_decimal
from wtforms.fields.core import UnboundField

from .audit import CREATED, DELETED, SIGN_IN_FAILED, SIGNED_IN, UPDATED
from .extensions import Model
from .forms.admin import AccountForm
from .forms.attachments import AttachmentForm
from .forms.conversation import MessageForm
from .forms.experiment_feedback import ExperimentFeedbackForm
from .forms.milestones import MilestoneForm
from .forms.pilots import (
    EvaluationForm,
    ExpenseForm,
    ParticipationForm,
    PartnerForm,
)
from .forms.pilots import RiskForm as ExperimentRiskForm
from .forms.programmes import CallForm, ProgrammeForm
from .forms.proposals import ProposalForm
from .forms.scorecard import FollowUpForm, GoalForm
from .forms.scorecard import RiskForm as ProgrammeRiskForm
from .forms.screening import ReviewForm
from .forms.staged import StagedDecisionForm
from .i18n import (
    LANGUAGE_NAMES,
    code_label,
    date_text,
    moment_text,
    money,
    role_label,
    sdg_label,
    status_label,
)
from .i18n import translate as gettext  # a page of the trail says hundreds of labels
from .lifecycle import MOVE_FIELDS, N_
from .models import AuditEntry
from .scorecard import DIRECTION_LABELS, FOLLOW_UP_STATUS_LABELS, RISK_STATUS_LABELS, metric_label

ACTION_LABELS = {
    CREATED: N_("Created"),
    UPDATED: N_("Changed"),
    DELETED: N_("Deleted"),
    SIGNED_IN: N_("Signed in"),
    SIGN_IN_FAILED: N_("Failed sign-in"),
}

# Each audited table as a noun; a table missing here is shown by its name.
TYPE_LABELS = {
    "proposal": N_("Proposal"),
    "proposal_centre": N_("City centre of a proposal"),
    "proposal_sdg": N_("Sustainable development goal of a proposal"),
    "review": N_("Review"),
    "experiment": N_("Experiment"),
    "experiment_partner": N_("Partner"),
    "participation": N_("Participation record"),
    "expense": N_("Expense"),
    "risk": N_("Risk"),
    "evaluation": N_("Evaluation"),
    "programme": N_("Programme"),
    "programme_year": N_("Budget year"),
    "call": N_("Call for proposals"),
    "programme_goal": N_("Scorecard goal"),
    "goal_follow_up": N_("Goal follow-up"),
    "programme_risk": N_("Programme risk"),
    "organisation": N_("Organisation"),
    "user": N_("User"),
    "api_token": N_("API token"),
    "feedback": N_("Feedback"),
    "risk_assessment": N_("Risk assessment"),
    "proposal_message": N_("Message"),
    "attachment": N_("File"),
    "reviewer_assignment": N_("Reviewer assignment"),
    "conflict_of_interest": N_("Conflict of interest"),
    "experiment_report": N_("Pilot report"),
    "report_count": N_("Participants in a report"),
    "report_reminder": N_("Report reminder"),
    "team_member": N_("Member of a pilot team"),
    "staged_decision": N_("Staged decision"),
    "experiment_subscription": N_("E-mail subscription to updates"),
    "experiment_feedback": N_("Resident's feedback"),
    "experiment_milestone": N_("Milestone"),
}

# The forms whose fields label a table's columns (a column and its field share the name).
FORMS: dict[str, tuple[type, ...]] = {
    "proposal": (ProposalForm,),
    "proposal_centre": (ProposalForm,),
    "proposal_sdg": (ProposalForm,),
    "review": (ReviewForm,),
    "experiment_partner": (PartnerForm,),
    "participation": (ParticipationForm,),
    "expense": (ExpenseForm,),
    "risk": (ExperimentRiskForm,),
    "evaluation": (EvaluationForm,),
    "programme": (ProgrammeForm,),
    "programme_year": (ProgrammeForm,),
    "call": (CallForm,),
    "programme_goal": (GoalForm,),
    "goal_follow_up": (FollowUpForm,),
    "programme_risk": (ProgrammeRiskForm,),
    "risk_assessment": (ExperimentRiskForm,),
    "proposal_message": (MessageForm,),
    "attachment": (AttachmentForm,),
    "staged_decision": (StagedDecisionForm,),
    "experiment_feedback": (ExperimentFeedbackForm,),
    "experiment_milestone": (MilestoneForm,),
    "user": (AccountForm,),
}

# Where a column and its form field differ in name, or no form has the field.
FIELD_LABELS: dict[tuple[str, str] | str, str] = {
    ("proposal", "organisation_id"): N_("Organisation"),
    ("proposal", "owner_id"): N_("Applicant"),
    ("proposal_centre", "centre"): N_("City centre"),
    ("proposal_sdg", "sdg"): N_("UN Sustainable Development Goals"),
    ("experiment_partner", "organisation_id"): N_("Organisation"),
    ("organisation", "name"): N_("Name"),
    ("organisation", "type"): N_("Type"),
    ("organisation", "business_id"): N_("Business ID (Y-tunnus)"),
    ("proposal", "partners"): N_("Partners"),
    ("programme_year", "year"): N_("Year"),
    ("attachment", "filename"): N_("File name"),
    ("attachment", "content_type"): N_("File type"),
    ("attachment", "size"): N_("Size (bytes)"),
    ("attachment", "sha256"): N_("Checksum (SHA-256)"),
    ("attachment", "uploaded_by_id"): N_("Added by"),
    ("attachment", "uploaded_at"): N_("Added"),
    ("attachment", "deleted_by_id"): N_("Deleted by"),
    ("attachment", "deleted_at"): N_("Deleted"),
    ("conflict_of_interest", "reason"): N_("Reason"),
    ("conflict_of_interest", "declared_at"): N_("Declared"),
    "assigned_by_id": N_("Assigned by"),
    ("experiment", "report_interval_months"): N_("Months between reports"),
    ("experiment_report", "period_start"): N_("Period from"),
    ("experiment_report", "period_end"): N_("Period to"),
    ("experiment_report", "summary"): N_("Summary"),
    ("experiment_report", "problems"): N_("Problems"),
    ("experiment_report", "review_comment"): N_("Comment"),
    "submitted_by_id": N_("Submitted by"),
    "reviewed_by_id": N_("Reviewed by"),
    "reviewed_at": N_("Reviewed"),
    "report_id": N_("Pilot report"),
    ("report_count", "category"): N_("Category"),
    ("report_count", "count"): N_("Number"),
    ("report_reminder", "due_date"): N_("Due date"),
    ("report_reminder", "kind"): N_("Reminder"),
    ("report_reminder", "sent_at"): N_("Sent"),
    "added_by_id": N_("Added by"),
    "added_at": N_("Added"),
    "assigned_at": N_("Assigned"),
    ("programme_goal", "retired_at"): N_("Retired"),
    ("risk_assessment", "risk_id"): N_("Risk"),
    ("risk_assessment", "programme_risk_id"): N_("Programme risk"),
    "retired_by_id": N_("Retired by"),
    "assessed_by_id": N_("Assessed by"),
    "assessed_at": N_("Assessed"),
    ("goal_follow_up", "metric"): N_("Metric"),
    ("goal_follow_up", "target"): N_("Target"),
    ("user", "password_hash"): N_("Password"),
    ("user", "last_sign_in_at"): N_("Last sign-in"),
    ("user", "created_at"): N_("Registered"),
    ("user", "email_confirmed_at"): N_("E-mail address confirmed"),
    ("user", "totp_enabled_at"): N_("Two-step sign-in"),
    ("user", "deleted_at"): N_("Deleted"),
    ("api_token", "token_hash"): N_("Token"),
    ("feedback", "message"): N_("Feedback"),
    ("feedback", "page_url"): N_("Page"),
    ("staged_decision", "proposal_version"): N_("Version of the proposal"),
    ("experiment_subscription", "token_hash"): N_("Confirmation link"),
    ("experiment_subscription", "confirmed_at"): N_("Confirmed"),
    ("experiment_subscription", "unsubscribed_at"): N_("Unsubscribed"),
    ("experiment_feedback", "comment"): N_("Comment"),
    ("experiment_feedback", "name"): N_("Name"),
    ("experiment_feedback", "email"): N_("E-mail"),
    ("experiment_feedback", "moderated_by_id"): N_("Decided by"),
    ("experiment_feedback", "moderated_at"): N_("Decided"),
    "call_id": N_("Call for proposals"),
    "staged_by_id": N_("Staged by"),
    "created_by_id": N_("Created by"),
    "staged_at": N_("Staged"),
    "name": N_("Name"),
    "email": N_("E-mail"),
    "status": N_("Status"),
    "language": N_("Language"),
    "locale": N_("Language"),
    "created_at": N_("Created"),
    "updated_at": N_("Last changed"),
    "submitted_at": N_("Submitted"),
    "programme_id": N_("Programme"),
    "proposal_id": N_("Proposal"),
    "experiment_id": N_("Experiment"),
    "goal_id": N_("Goal"),
    "user_id": N_("User"),
    "author_id": N_("Author"),
    "reviewer_id": N_("Reviewer"),
    "proposer_type": N_("Proposer"),
    "organisation_id": N_("Organisation"),
    "position": N_("Order"),
    "version": N_("Version"),
    "expires_at": N_("Expires"),
    "revoked_at": N_("Revoked"),
    "totp_secret": N_("Two-step sign-in"),
    "totp_last_step": N_("Two-step sign-in"),
    "totp_failures": N_("Two-step sign-in"),
    "totp_enrolment_nonce": N_("Two-step sign-in"),
    "password_changed_at": N_("Password changed"),
    "session_epoch": N_("Sessions ended"),
    "allocation_serial": N_("Budget allocations"),
}
# Fields naming another object, shown by its name: the field and the table it names.
REFERENCES = {
    "owner_id": "user",
    "author_id": "user",
    "reviewer_id": "user",
    "user_id": "user",
    "organisation_id": "organisation",
    "call_id": "call",
    "programme_id": "programme",
    "partners": "organisation",
    "retired_by_id": "user",
    "assessed_by_id": "user",
    "uploaded_by_id": "user",
    "deleted_by_id": "user",
    "assigned_by_id": "user",
    "submitted_by_id": "user",
    "reviewed_by_id": "user",
    "added_by_id": "user",
    "staged_by_id": "user",
    "moderated_by_id": "user",
    "created_by_id": "user",
}
# The names of referenced objects, by (table, id); a name missing shows the number.
Names = dict[tuple[str, int], str]
# Not shown: the object's own number is said with the object.
UNSHOWN = frozenset({"id"})
MONEY_FIELDS = frozenset({"requested_budget", "allocated_budget", "amount", "annual_budget"})


def _labels(table: dict[Any, str]) -> Callable[[object], str]:
    return lambda code: gettext(table[code]) if code in table else str(code)


def _vocabulary(name: str) -> Callable[[object], str]:
    return lambda code: code_label(name, str(code))


REPORT_STATUS_LABELS = {
    "submitted": N_("Waiting for review"),
    "accepted": N_("Accepted"),
    "returned": N_("Returned"),
}
FEEDBACK_STATUS_LABELS = {
    "pending": N_("Waiting for a decision"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
}
REMINDER_LABELS = {
    "due": N_("Due soon, to the team"),
    "overdue": N_("Overdue, to the team"),
    "owner_overdue": N_("Overdue, to the pilot's owner"),
}


# A code value as its label in the reader's language: by (table, field), then by field.
CODE_LABELS: dict[tuple[str, str] | str, Callable[[object], str]] = {
    ("proposal", "status"): lambda code: status_label(str(code)),
    ("risk", "status"): _labels(RISK_STATUS_LABELS),
    ("programme_risk", "status"): _labels(RISK_STATUS_LABELS),
    ("risk_assessment", "status"): _labels(RISK_STATUS_LABELS),
    ("proposal_message", "visibility"): _vocabulary("MessageVisibility"),
    ("experiment_report", "status"): _labels(REPORT_STATUS_LABELS),
    ("report_reminder", "kind"): _labels(REMINDER_LABELS),
    ("experiment_feedback", "status"): _labels(FEEDBACK_STATUS_LABELS),
    ("staged_decision", "to_status"): lambda code: status_label(str(code)),
    ("goal_follow_up", "status"): _labels(FOLLOW_UP_STATUS_LABELS),
    ("user", "role"): lambda code: role_label(str(code)),
    ("experiment_partner", "role"): _vocabulary("PartnerRole"),
    ("organisation", "type"): _vocabulary("OrganisationType"),
    "proposer_type": _vocabulary("ProposerType"),
    "service_area": _vocabulary("ServiceArea"),
    "category": _vocabulary("ParticipationCategory"),
    "recommendation": _vocabulary("Recommendation"),
    "centre": _vocabulary("CityCentre"),
    "sdg": lambda goal: f"{goal}. {sdg_label(str(goal))}",
    "metric": lambda code: gettext(metric_label(str(code))),
    "direction": _labels(DIRECTION_LABELS),
    "language": lambda code: LANGUAGE_NAMES.get(str(code), str(code)),
    "locale": lambda code: LANGUAGE_NAMES.get(str(code), str(code)),
}


def type_label(object_type: str) -> str:
    """The kind of object, as a noun in the reader's language."""
    label = TYPE_LABELS.get(object_type)
    return gettext(label) if label else object_type


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return gettext(label) if label else action


def _form_label(object_type: str, field: str) -> str | None:
    for form in FORMS.get(object_type, ()):
        unbound = getattr(form, field, None)
        if isinstance(unbound, UnboundField):
            label = unbound.args[0] if unbound.args else unbound.kwargs.get("label")
            if isinstance(label, str | LazyString):  # a list of sub-forms has none
                return str(label)
    return None


def field_label(object_type: str, field: str) -> str:
    """A field's label in the reader's language: the one its form shows, where it has one."""
    own = FIELD_LABELS.get((object_type, field))
    if own:
        return gettext(own)
    from_form = _form_label(object_type, field)
    if from_form:
        return from_form
    if object_type == "experiment" and field in MOVE_FIELDS:
        return gettext(MOVE_FIELDS[field].label)
    common = FIELD_LABELS.get(field)
    return gettext(common) if common else field


@cache
def _columns(object_type: str) -> dict[str, sa.types.TypeEngine[Any]]:
    """The table's columns by attribute name with their types, in the table's order."""
    for mapper in Model.registry.mappers:
        if mapper.local_table.name == object_type:
            return {attribute.key: attribute.columns[0].type for attribute in mapper.column_attrs}
    return {}


def _typed(column: sa.types.TypeEngine[Any] | None, field: str, value: object) -> str:
    """A stored JSON value by its column's type: a date, a moment, money, a number."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    try:
        if isinstance(column, sa.DateTime) or (
            isinstance(column, sa.types.TypeDecorator) and isinstance(column.impl, sa.DateTime)
        ):
            return moment_text(datetime.fromisoformat(str(value)), "short")
        if isinstance(column, sa.Date):
            return date_text(date.fromisoformat(str(value)))
        if field in MONEY_FIELDS:
            return money(Decimal(str(value)))
        if isinstance(column, sa.Numeric):
            return format_decimal(Decimal(str(value)))
    except (ValueError, InvalidOperation):
        pass  # a value older than its column's type: shown as it was kept
    return str(value)


def value_text(object_type: str, field: str, value: object, names: Names | None = None) -> str:
    """A value the trail kept (JSON: ISO dates, decimal strings, codes), as people read it."""
    if value is None or value == "" or value == []:
        return "–"
    if field in REFERENCES:
        table, known = REFERENCES[field], names or {}
        ids = value if isinstance(value, list) else [value]
        return "; ".join(
            known.get((table, i), str(i)) if isinstance(i, int) else str(i) for i in ids
        )
    coded = CODE_LABELS.get((object_type, field)) or CODE_LABELS.get(field)
    if coded is not None:
        if isinstance(value, list):
            return "; ".join(coded(v) for v in value)
        return coded(value)
    return _typed(_columns(object_type).get(field), field, value)


@dataclass(frozen=True)
class ShownChange:
    """One field of an entry, in words: its label and the values before and after."""

    field: str
    label: str
    before: str
    after: str
    hidden: bool  # a secret or an erasable personal detail: recorded as changed, no values


@dataclass(frozen=True)
class ShownEntry:
    """An audit entry as the pages show it."""

    entry: AuditEntry
    action: str
    kind: str  # the object's type as a noun
    who: str
    changes: list[ShownChange]
    url: str | None = None  # the object's page, where the reader may see one

    @property
    def object(self) -> str:
        number = self.entry.object_id
        return self.kind if number is None else f"{self.kind} {number}"


def shown_changes(
    object_type: str,
    changes: dict[str, list[Any]],
    names: Names | None = None,
    unshown: frozenset[str] = UNSHOWN,
) -> list[ShownChange]:
    """The entry's fields in the table's column order (unknown ones last), labelled."""
    order = {name: place for place, name in enumerate(_columns(object_type))}
    shown = []
    for field in sorted(changes, key=lambda name: (order.get(name, len(order)), name)):
        if field in unshown:
            continue
        before, after = (list(changes[field]) + [None, None])[:2]
        shown.append(
            ShownChange(
                field,
                field_label(object_type, field),
                value_text(object_type, field, before, names),
                value_text(object_type, field, after, names),
                hidden=before is None and after is None,
            )
        )
    return shown


def shown(
    entry: AuditEntry,
    url: str | None = None,
    names: Names | None = None,
    unshown: frozenset[str] = UNSHOWN,
) -> ShownEntry:
    """The entry in the reader's words; a deleted account's changes are "Deleted user"'s."""
    actor = entry.actor
    return ShownEntry(
        entry,
        action_label(entry.action),
        type_label(entry.object_type),
        actor.display_name if actor is not None else gettext("System"),
        shown_changes(entry.object_type, entry.changes or {}, names, unshown),
        url,
    )


def change_text(entry: AuditEntry, change: ShownChange) -> str:
    """A field's change as one phrase: the value made, the value removed, or before → after."""
    if change.hidden:
        return gettext("(hidden)")
    if entry.action == CREATED:
        return change.after
    if entry.action == DELETED:
        return change.before
    return f"{change.before} → {change.after}"
