"""Read queries of residents' feedback: an experiment's summary (one aggregate), its public
comments, and the staff's moderation list.

What the public sees never holds the sender's name or e-mail address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import Experiment, ExperimentFeedback, FeedbackStatus

COMMENTS_SHOWN = 20  # the newest approved comments on the public page
_COUNTED = ExperimentFeedback.status != FeedbackStatus.REJECTED


@dataclass(frozen=True)
class FeedbackSummary:
    """Feedback counted for an experiment (all but the rejected) and what waits for staff."""

    count: int
    used: int  # answered that they used the service
    usefulness_total: int
    pending: int  # waiting for moderation

    @property
    def average(self) -> Decimal | None:
        """Average usefulness (1–5) to one decimal, None without feedback."""
        if not self.count:
            return None
        exact = Decimal(self.usefulness_total) / Decimal(self.count)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def share_used(self) -> Decimal | None:
        """The share (0–1) of the senders who used the service, None without feedback."""
        return Decimal(self.used) / Decimal(self.count) if self.count else None


@dataclass(frozen=True)
class PublicComment:
    """An approved comment as the public sees it: no name, no address."""

    comment: str
    language: str
    used: bool
    usefulness: int
    created_at: datetime


def _whole(expression: ColumnElement[int]) -> ColumnElement[int]:
    """The sum of the rows' values, 0 when there are none."""
    return func.coalesce(func.sum(expression), 0)


def feedback_summary(experiment_id: int) -> FeedbackSummary:
    """The experiment's feedback in figures, in one aggregate statement."""
    row = db.session.execute(
        select(
            _whole(case((_COUNTED, 1), else_=0)),
            _whole(case((_COUNTED & ExperimentFeedback.used.is_(True), 1), else_=0)),
            _whole(case((_COUNTED, ExperimentFeedback.usefulness), else_=0)),
            _whole(case((ExperimentFeedback.status == FeedbackStatus.PENDING, 1), else_=0)),
        ).where(ExperimentFeedback.experiment_id == experiment_id)
    ).one()
    count, used, total, pending = (int(value) for value in row)
    return FeedbackSummary(count, used, total, pending)


def public_comments(experiment_id: int, limit: int = COMMENTS_SHOWN) -> list[PublicComment]:
    """The newest approved comments of the experiment."""
    rows = db.session.execute(
        select(
            ExperimentFeedback.comment,
            ExperimentFeedback.language,
            ExperimentFeedback.used,
            ExperimentFeedback.usefulness,
            ExperimentFeedback.created_at,
        )
        .where(
            ExperimentFeedback.experiment_id == experiment_id,
            ExperimentFeedback.status == FeedbackStatus.APPROVED,
            ExperimentFeedback.comment != "",
        )
        .order_by(ExperimentFeedback.created_at.desc(), ExperimentFeedback.id.desc())
        .limit(limit)
    ).all()
    return [PublicComment(*row) for row in rows]


def moderation_page(
    status: FeedbackStatus, experiment_id: int | None, page: int, per_page: int
) -> Pagination:
    """Feedback of one status (of one experiment, or all), newest first, with each
    experiment's title loaded."""
    query = select(ExperimentFeedback).where(ExperimentFeedback.status == status)
    if experiment_id is not None:
        query = query.where(ExperimentFeedback.experiment_id == experiment_id)
    return db.paginate(
        query.options(
            joinedload(ExperimentFeedback.experiment).joinedload(Experiment.proposal),
            joinedload(ExperimentFeedback.moderated_by),
        ).order_by(ExperimentFeedback.created_at.desc(), ExperimentFeedback.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def status_counts(experiment_id: int | None) -> dict[FeedbackStatus, int]:
    """How much feedback has each status (of one experiment, or all)."""
    query = select(ExperimentFeedback.status, func.count()).group_by(ExperimentFeedback.status)
    if experiment_id is not None:
        query = query.where(ExperimentFeedback.experiment_id == experiment_id)
    found = {FeedbackStatus(status): int(n) for status, n in db.session.execute(query)}
    return {status: found.get(status, 0) for status in FeedbackStatus}
