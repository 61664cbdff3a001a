"""Residents' feedback on an experiment: sent without an account, moderated by staff, and
its contact details erased with the sender's account."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit
from ..errors import Conflict, NotAllowed
from ..extensions import db
from ..i18n import LANGUAGE_NAMES
from ..lifecycle import EXPERIMENT_STATES
from ..models import Experiment, ExperimentFeedback, FeedbackStatus, User
from ..models.types import utcnow
from ..models.written import writing_language
from ..rules import COMMENT_MAX, NAME_MAX, USEFULNESS_MAX, USEFULNESS_MIN
from .inputs import Fields, blank
from .transaction import unit_of_work

# A moderator's decision → the status it gives. Either may be changed later (a comment
# approved by mistake is rejected again), so neither asks for a confirmation.
DECISIONS = {"approve": FeedbackStatus.APPROVED, "reject": FeedbackStatus.REJECTED}


def takes_feedback(experiment: Experiment) -> bool:
    """Whether residents may give feedback on it: from pilot on, as long as it is public."""
    return experiment.proposal.status in EXPERIMENT_STATES


def send_feedback(
    experiment: Experiment,
    *,
    used: object,
    usefulness: object,
    comment: object = None,
    language: object = None,
    name: object = None,
    email: object = None,
    user: User | None = None,
) -> ExperimentFeedback:
    """Store a resident's feedback (pending moderation); raises Invalid naming every wrong
    field, Conflict if the experiment takes no feedback."""
    if not takes_feedback(experiment):
        raise Conflict(_("This experiment does not take feedback."))
    fields = Fields()
    was_used = fields.boolean("used", used)
    score = fields.integer(
        "usefulness",
        usefulness,
        USEFULNESS_MIN,
        USEFULNESS_MAX,
        _("Choose how useful it was, from 1 to 5."),
    )
    text = fields.text("comment", comment, max_length=COMMENT_MAX)
    written_in = (
        writing_language()
        if blank(language)
        else fields.choice("language", language, tuple(LANGUAGE_NAMES))
    )
    sender = fields.text("name", name, max_length=NAME_MAX, one_line=True) or None
    address = fields.email("email", email)
    fields.raise_if_any()
    feedback = ExperimentFeedback(
        experiment_id=experiment.id,
        used=was_used,
        usefulness=score,
        comment=text,
        language=written_in,
        name=sender,
        email=address,
        user_id=user.id if user is not None and user.is_authenticated else None,
        status=FeedbackStatus.PENDING,
    )
    with unit_of_work():
        db.session.add(feedback)
    return feedback


def moderate_feedback(feedback: ExperimentFeedback, decision: object, user: User) -> None:
    """Approve (its comment becomes public) or reject (neither counted nor shown) a piece of
    feedback; raises NotAllowed for anyone but staff, Invalid for an unknown decision."""
    if not user.is_authenticated or not user.is_staff:
        raise NotAllowed(_("Only the city's staff moderate feedback."))
    fields = Fields()
    chosen = fields.choice("decision", decision, tuple(DECISIONS))
    fields.raise_if_any()
    assert chosen is not None
    with unit_of_work():
        feedback.status = DECISIONS[chosen]
        feedback.moderated_by_id = user.id
        feedback.moderated_at = utcnow()


def forget_contacts(user: User, email: str) -> None:
    """Erase the contact details of feedback the person sent (signed in, or with their
    account's e-mail address), in the caller's unit of work; the answers stay."""
    sent_by_them = sa.or_(
        ExperimentFeedback.user_id == user.id,
        sa.func.lower(ExperimentFeedback.email) == email.lower(),
    )
    found = db.session.execute(
        sa.select(
            ExperimentFeedback.id,
            ExperimentFeedback.name,
            ExperimentFeedback.email,
            ExperimentFeedback.user_id,
        ).where(sent_by_them)
    ).all()
    if not found:
        return
    db.session.execute(
        sa.update(ExperimentFeedback)
        .where(ExperimentFeedback.id.in_([row.id for row in found]))
        .values(name=None, email=None, user_id=None)
    )
    for row in found:
        changes: dict[str, list[object]] = {}
        if row.name is not None:
            changes["name"] = [None, None]
        if row.email is not None:
            changes["email"] = [None, None]
        if row.user_id is not None:
            changes["user_id"] = [row.user_id, None]
        if changes:
            audit.record_changes("experiment_feedback", row.id, changes)
