"""What the public feeds tell: experiments' milestones (Atom) and calls' dates (iCalendar).

Public facts only, as the catalogue shows them: titles, the summary unless the applicant
marked it a business secret, the published outcome, what an accepted report says was done,
the milestones reached; never a history reason (those are written for the applicant and
staff), a report's problems or review, nor anyone's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import case, func, select

from .extensions import db
from .lifecycle import EXPERIMENT_STATES, N_, Status
from .models import (
    AuditEntry,
    Call,
    Experiment,
    ExperimentMilestone,
    ExperimentReport,
    Programme,
    Proposal,
    StatusChange,
)
from .models.reports import ReportStatus


class EntryKind(StrEnum):
    STARTED = "started"
    ENDED = "ended"
    ADOPTED = "adopted"
    DISCONTINUED = "discontinued"
    REPORT = "report"
    MILESTONE = "milestone"


# Each kind's entry title, "%(title)s" being the experiment's; translated in the feed's language.
ENTRY_TITLES = {
    EntryKind.STARTED: N_("Pilot started: %(title)s"),
    EntryKind.ENDED: N_("Pilot ended: %(title)s"),
    EntryKind.ADOPTED: N_("Adopted: %(title)s"),
    EntryKind.DISCONTINUED: N_("Discontinued: %(title)s"),
    EntryKind.REPORT: N_("Progress report: %(title)s"),
    EntryKind.MILESTONE: N_("Milestone reached: %(title)s"),
}

# The history moves that are news, by the state they lead to. A pilot that is discontinued
# ends and is decided at once: one entry, the decision.
_KIND_OF_MOVE = {
    Status.PILOT: EntryKind.STARTED,
    Status.EVALUATION: EntryKind.ENDED,
    Status.ADOPTED: EntryKind.ADOPTED,
    Status.DISCONTINUED: EntryKind.DISCONTINUED,
}


@dataclass(frozen=True)
class FeedEntry:
    """One item of the experiments' feed. `key` is unique and stable across the feed's
    sources ("status-change/12"); `text` is public text in `text_language`, or empty."""

    key: str
    kind: EntryKind
    at: datetime
    experiment_id: int
    title: str
    language: str  # of the title
    text: str
    text_language: str


def _status_entries(limit: int) -> list[FeedEntry]:
    """Pilots started, ended and decided, from the status history, newest first."""
    decided = StatusChange.to_status.in_((Status.ADOPTED, Status.DISCONTINUED))
    rows = db.session.execute(
        select(
            StatusChange.id,
            StatusChange.to_status,
            StatusChange.at,
            Experiment.id,
            Proposal.title,
            Proposal.language,
            # The text a reader needs: the summary when it starts (unless it is a business
            # secret), the published outcome when it is decided.
            case(
                (decided, Experiment.decision),
                (Proposal.confidential_summary, ""),
                (StatusChange.to_status == Status.PILOT, Proposal.summary),
                else_="",
            ),
            case((decided, Experiment.language), else_=Proposal.language),
        )
        .join(Proposal, Proposal.id == StatusChange.proposal_id)
        .join(Experiment, Experiment.proposal_id == Proposal.id)
        .where(
            StatusChange.to_status.in_(_KIND_OF_MOVE),
            Proposal.status.in_(EXPERIMENT_STATES),
        )
        .order_by(StatusChange.at.desc(), StatusChange.id.desc())
        .limit(limit)
    ).all()
    return [
        FeedEntry(
            key=f"status-change/{change_id}",
            kind=_KIND_OF_MOVE[Status(to_status)],
            at=at,
            experiment_id=experiment_id,
            title=title or "",
            language=language,
            text=text or "",
            text_language=text_language,
        )
        for change_id, to_status, at, experiment_id, title, language, text, text_language in rows
    ]


def _report_entries(limit: int) -> list[FeedEntry]:
    """Reports staff accepted, with what the team says was done, newest first."""
    rows = db.session.execute(
        select(
            ExperimentReport.id,
            ExperimentReport.reviewed_at,
            Experiment.id,
            Proposal.title,
            Proposal.language,
            ExperimentReport.summary,
            ExperimentReport.language,
        )
        .join(Experiment, Experiment.id == ExperimentReport.experiment_id)
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(
            ExperimentReport.status == ReportStatus.ACCEPTED,
            ExperimentReport.reviewed_at.is_not(None),
            Proposal.status.in_(EXPERIMENT_STATES),
        )
        .order_by(ExperimentReport.reviewed_at.desc(), ExperimentReport.id.desc())
        .limit(limit)
    ).all()
    entries = []
    for report_id, at, experiment_id, title, language, summary, written in rows:
        assert at is not None  # the query's condition
        entries.append(
            FeedEntry(
                key=f"report/{report_id}",
                kind=EntryKind.REPORT,
                at=at,
                experiment_id=experiment_id,
                title=title or "",
                language=language,
                text=summary,
                text_language=written,
            )
        )
    return entries


def _milestone_entries(limit: int) -> list[FeedEntry]:
    """Milestones reached, at the start of their day in the city, newest first."""
    rows = db.session.execute(
        select(
            ExperimentMilestone.id,
            ExperimentMilestone.done_date,
            Experiment.id,
            Proposal.title,
            Proposal.language,
            ExperimentMilestone.title,
            ExperimentMilestone.description,
            ExperimentMilestone.language,
        )
        .join(Experiment, Experiment.id == ExperimentMilestone.experiment_id)
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(
            ExperimentMilestone.done_date.is_not(None),
            Proposal.status.in_(EXPERIMENT_STATES),
        )
        .order_by(ExperimentMilestone.done_date.desc(), ExperimentMilestone.id.desc())
        .limit(limit)
    ).all()
    city = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    entries = []
    for milestone_id, done, experiment_id, title, language, name, description, written in rows:
        assert done is not None  # the query's condition
        text = f"{name}\n\n{description}" if description else name
        entries.append(
            FeedEntry(
                key=f"milestone/{milestone_id}",
                kind=EntryKind.MILESTONE,
                at=datetime.combine(done, time(), city),
                experiment_id=experiment_id,
                title=title or "",
                language=language,
                text=text,
                text_language=written,
            )
        )
    return entries


# The feed's sources, each one query answering its newest entries, newest first.
SOURCES: tuple[Callable[[int], list[FeedEntry]], ...] = (
    _status_entries,
    _report_entries,
    _milestone_entries,
)


def feed_entries(limit: int = 50) -> list[FeedEntry]:
    """The feed's newest entries from every source, newest first."""
    entries = [entry for source in SOURCES for entry in source(limit)]
    return sorted(entries, key=lambda entry: (entry.at, entry.key), reverse=True)[:limit]


@dataclass(frozen=True)
class CallDates:
    """A call's opening and closing, with the moment its description last changed."""

    id: int
    title: str
    language: str
    programme: str
    opens_on: date
    closes_on: date
    changed_at: datetime


def call_dates() -> list[CallDates]:
    """Every call, the newest first; `changed_at` is the last audit entry about the call (or
    its programme's creation, for calls loaded without the trail): data, never the clock."""
    changed = (
        select(func.max(AuditEntry.at))
        .where(AuditEntry.object_type == Call.__tablename__, AuditEntry.object_id == Call.id)
        .correlate(Call)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Call.id,
            Call.title,
            Call.language,
            Programme.name,
            Call.opens_on,
            Call.closes_on,
            func.coalesce(changed, Programme.created_at),
        )
        .join(Programme, Programme.id == Call.programme_id)
        .order_by(Call.opens_on.desc(), Call.id.desc())
    ).all()
    return [CallDates(*row) for row in rows]
