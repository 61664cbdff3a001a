"""An experiment's public timeline: from its proposal to the decision, with the accepted
reports and the milestones staff set.

Public facts only, as the catalogue shows them: the dates of the status history's moves
(never their reasons or who made them), an accepted report's period and what was done (the
team's summary, published once the city accepts it; never its problems or the review's
comment), the evaluation's date and recommendation, and the milestones (public by design).
A fixed number of statements, whatever the experiment holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from flask_babel import to_user_timezone
from sqlalchemy import select

from .extensions import db
from .lifecycle import Status
from .models import Evaluation, Experiment, ExperimentMilestone, ExperimentReport, StatusChange
from .models.reports import ReportStatus


class Step(StrEnum):
    """The kinds of entry, in the order they take on one day."""

    PROPOSED = "proposed"
    PILOT_STARTED = "pilot_started"
    REPORT = "report"
    MILESTONE = "milestone"
    PILOT_ENDED = "pilot_ended"
    EVALUATED = "evaluated"
    ADOPTED = "adopted"
    DISCONTINUED = "discontinued"
    PLANNED_END = "planned_end"


_ORDER = {step: place for place, step in enumerate(Step)}
# The history's moves the timeline tells, by the state they lead to.
_STEP_OF_MOVE = {
    Status.SUBMITTED: Step.PROPOSED,
    Status.PILOT: Step.PILOT_STARTED,
    Status.EVALUATION: Step.PILOT_ENDED,
    Status.ADOPTED: Step.ADOPTED,
    Status.DISCONTINUED: Step.DISCONTINUED,
}


@dataclass(frozen=True)
class TimelineEntry:
    """One dated step. `title` and `text` are what a person wrote (a milestone's, a report's
    summary), in `language`; empty for the steps the page names itself."""

    step: Step
    day: date
    title: str = ""
    text: str = ""
    language: str | None = None
    period: tuple[date, date] | None = None  # a report's
    recommendation: str | None = None  # the evaluation's


@dataclass(frozen=True)
class Timeline:
    past: list[TimelineEntry]  # oldest first
    upcoming: list[TimelineEntry]  # planned, nearest first


# An entry with what orders it: its day, its step's place, its row's id.
Keyed = tuple[tuple[date, int, int], TimelineEntry]


def _day(moment: datetime) -> date:
    """The moment's date in the city's time zone (as the pages show dates)."""
    local: datetime = to_user_timezone(moment)
    return local.date()


def experiment_timeline(experiment_id: int, status: Status, planned_end: date) -> Timeline:
    """The public experiment's timeline (the caller has checked that it is public)."""
    past: list[Keyed] = []
    upcoming: list[Keyed] = []

    def add(into: list[Keyed], entry: TimelineEntry, key: int) -> None:
        into.append(((entry.day, _ORDER[entry.step], key), entry))

    proposed = False
    for change_id, to_status, at in db.session.execute(
        select(StatusChange.id, StatusChange.to_status, StatusChange.at)
        .join(Experiment, Experiment.proposal_id == StatusChange.proposal_id)
        .where(Experiment.id == experiment_id, StatusChange.to_status.in_(_STEP_OF_MOVE))
        .order_by(StatusChange.at, StatusChange.id)
    ):
        step = _STEP_OF_MOVE[Status(to_status)]
        if step == Step.PROPOSED:
            if proposed:  # an answer to a question submits it again: proposed once
                continue
            proposed = True
        add(past, TimelineEntry(step, _day(at)), change_id)

    for report_id, start, end, reviewed_at, summary, language in db.session.execute(
        select(
            ExperimentReport.id,
            ExperimentReport.period_start,
            ExperimentReport.period_end,
            ExperimentReport.reviewed_at,
            ExperimentReport.summary,
            ExperimentReport.language,
        ).where(
            ExperimentReport.experiment_id == experiment_id,
            ExperimentReport.status == ReportStatus.ACCEPTED,
        )
    ):
        day = _day(reviewed_at) if reviewed_at else end
        entry = TimelineEntry(Step.REPORT, day, "", summary, language, (start, end))
        add(past, entry, report_id)

    for milestone_id, title, description, planned, done, language in db.session.execute(
        select(
            ExperimentMilestone.id,
            ExperimentMilestone.title,
            ExperimentMilestone.description,
            ExperimentMilestone.planned_date,
            ExperimentMilestone.done_date,
            ExperimentMilestone.language,
        ).where(ExperimentMilestone.experiment_id == experiment_id)
    ):
        entry = TimelineEntry(Step.MILESTONE, done or planned, title, description, language)
        add(past if done else upcoming, entry, milestone_id)

    evaluated = db.session.execute(
        select(Evaluation.id, Evaluation.updated_at, Evaluation.recommendation).where(
            Evaluation.experiment_id == experiment_id
        )
    ).first()
    if evaluated is not None:
        evaluation_id, at, recommendation = evaluated
        entry = TimelineEntry(Step.EVALUATED, _day(at), recommendation=str(recommendation))
        add(past, entry, evaluation_id)

    if status == Status.PILOT:
        add(upcoming, TimelineEntry(Step.PLANNED_END, planned_end), 0)
    return Timeline(
        past=[entry for _key, entry in sorted(past, key=lambda pair: pair[0])],
        upcoming=[entry for _key, entry in sorted(upcoming, key=lambda pair: pair[0])],
    )
