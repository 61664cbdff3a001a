"""The scorecard as an XLSX workbook: the same rows and figures as the page."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from flask_babel import gettext as _
from flask_babel import to_user_timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .exports import neutralise
from .scorecard import (
    DIRECTION_LABELS,
    FOLLOW_UP_STATUS_LABELS,
    RISK_STATUS_LABELS,
    Scorecard,
    metric_label,
    risk_level,
)


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([neutralise(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    for column, header in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, min(60, len(header) + 4))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, Decimal | int):
                cell.number_format = "0.00" if isinstance(cell.value, Decimal) else "0"
            elif isinstance(cell.value, str):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _naive(moment: datetime) -> datetime:
    """Spreadsheets have no time zones: local (Helsinki) wall-clock time."""
    return to_user_timezone(moment).replace(tzinfo=None)


def scorecard_workbook(card: Scorecard, locale: str) -> BytesIO:
    """Goals, follow-ups and risks on three sheets; figures exactly as on the page."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = _("Scorecard: %(programme)s", programme=card.programme.name)
    goals, history = [], []
    for number, row in enumerate(card.goals, 1):
        goal, latest = row.goal, row.latest
        text = goal.text(locale)
        goals.append(
            [
                number,
                text,
                _(metric_label(goal.metric)),
                _(DIRECTION_LABELS[goal.direction]),
                goal.target,
                _(row.unit) if row.unit else "",
                goal.period_start,
                goal.period_end,
                row.actual,
                row.progress,
                latest.date if latest else None,
                _(FOLLOW_UP_STATUS_LABELS[latest.status]) if latest else "",
            ]
        )
        for entry in row.history:
            follow_up = entry.follow_up
            history.append(
                [
                    number,
                    text,
                    follow_up.date,
                    follow_up.value,
                    follow_up.target,
                    entry.progress,
                    _(FOLLOW_UP_STATUS_LABELS[follow_up.status]),
                    follow_up.comment,
                    follow_up.author.display_name,
                    _naive(follow_up.created_at),
                ]
            )
    _sheet(
        workbook,
        _("Goals"),
        [
            _("No."),
            _("Goal"),
            _("Metric"),
            _("Target type"),
            _("Target"),
            _("Unit"),
            _("Period starts"),
            _("Period ends"),
            _("Actual"),
            _("Progress (%)"),
            _("Latest follow-up"),
            _("Latest status"),
        ],
        goals,
    )
    _sheet(
        workbook,
        _("Follow-ups"),
        [
            _("Goal no."),
            _("Goal"),
            _("Date"),
            _("Value"),
            _("Target"),
            _("Progress (%)"),
            _("Status"),
            _("Comment"),
            _("Recorded by"),
            _("Recorded at"),
        ],
        history,
    )
    risks = []
    for number, risk in enumerate(card.risks, 1):
        level_label = risk_level(risk.score)[1]
        risks.append(
            [
                number,
                risk.description,
                risk.probability,
                risk.impact,
                risk.score,
                _(level_label),
                risk.mitigation,
                risk.owner,
                _(RISK_STATUS_LABELS[risk.status]),
            ]
        )
    _sheet(
        workbook,
        _("Risks"),
        [
            _("No."),
            _("Risk"),
            _("Probability"),
            _("Impact"),
            _("Probability × impact"),
            _("Level"),
            _("Mitigation"),
            _("Owner"),
            _("Status"),
        ],
        risks,
    )
    out = BytesIO()
    workbook.save(out)
    out.seek(0)
    return out
