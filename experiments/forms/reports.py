"""Forms of the pilot team's reports: filing or correcting one, and the staff's review."""

from typing import IO

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, EmailField, HiddenField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..attachment_types import ENDINGS
from ..rules import COUNT_MAX, REPORT_INTERVAL_MAX, REPORT_INTERVAL_MIN, REPORT_TEXT_MAX
from ..vocabulary import LABELS, ParticipationCategory
from .base import PageForm
from .fields import ChoiceRadioField
from .pilots import _date, _Whole

COUNT_MESSAGE = _l("Enter a whole number, e.g. 25 (0 if nobody).")


class ReportForm(PageForm):
    period_start = _date(_l("Period from"))
    period_end = _date(_l("Period to"))
    summary = TextAreaField(
        _l("What was done"),
        validators=[InputRequired(message=_l("Tell what was done in the period."))],
        description=_l(
            "Published on the experiment's public page once the city accepts the report; "
            "the problems are not."
        ),
        render_kw={"maxlength": REPORT_TEXT_MAX, "rows": 6},
    )
    problems = TextAreaField(
        _l("Problems"),
        validators=[Optional()],
        description=_l("What went wrong or slowed the pilot down, if anything."),
        render_kw={"maxlength": REPORT_TEXT_MAX, "rows": 4},
    )
    files = MultipleFileField(
        _l("Files"),
        description=_l(
            "Optional: photos, tables or documents of the period. PDF, PNG, JPEG, OpenDocument "
            "or Office documents, CSV or plain text; at most 10 MB each, and 50 MB for all of "
            "the pilot's files."
        ),
        render_kw={"accept": ",".join(f".{e}" for e in ENDINGS)},
    )
    confidential = BooleanField(
        _l("The files are confidential: they contain business secrets"),
        description=_l("A confidential file is never published."),
    )

    # The service names a count by its place in the list values() sends.
    renames = {
        f"participation.{index}.{part}": f"count_{category.value}"
        for index, category in enumerate(ParticipationCategory)
        for part in ("count", "category")
    }

    def count_fields(self) -> list:
        return [self[f"count_{category.value}"] for category in ParticipationCategory]

    def values(self) -> dict:
        return {
            "period_start": self.period_start.data,
            "period_end": self.period_end.data,
            "summary": self.summary.data or "",
            "problems": self.problems.data or "",
            "participation": [
                {"category": category.value, "count": self[f"count_{category.value}"].data}
                for category in ParticipationCategory
            ],
        }

    def uploads(self) -> list[tuple[IO[bytes], str | None]]:
        """The files chosen (a browser sends an empty part when none is)."""
        return [(f.stream, f.filename) for f in self.files.data or () if getattr(f, "filename", "")]

    def fill(self, report) -> None:
        """The form for correcting a returned report, as the team sent it."""
        self.period_start.data = report.period_start
        self.period_end.data = report.period_end
        self.summary.data = report.summary
        self.problems.data = report.problems
        for count in report.counts:
            self[f"count_{count.category.value}"].data = count.count


for _category in ParticipationCategory:
    setattr(
        ReportForm,
        f"count_{_category.value}",
        _Whole(
            _l(LABELS[ParticipationCategory][_category.value]),
            validators=[InputRequired(message=COUNT_MESSAGE)],
            message=COUNT_MESSAGE,
            render_kw={"inputmode": "numeric", "min": 0, "max": COUNT_MAX},
            default=0,
        ),
    )


class ReviewForm(PageForm):
    decision = ChoiceRadioField(
        _l("Decision"),
        choices=[("accept", _l("Accept")), ("return", _l("Return to the team"))],
        validators=[InputRequired(message=_l("Choose accept or return."))],
    )
    comment = TextAreaField(
        _l("Comment to the team"),
        validators=[Optional()],
        description=_l("Required when you return the report: tell what to correct."),
        render_kw={"maxlength": REPORT_TEXT_MAX, "rows": 3},
    )
    confirmed = HiddenField()

    def values(self) -> dict:
        return {"decision": self.decision.data, "comment": self.comment.data or ""}


class IntervalForm(PageForm):
    report_interval_months = _Whole(
        _l("Months between reports"),
        validators=[InputRequired(message=_l("Enter a whole number of months."))],
        message=_l("Enter a whole number of months."),
        render_kw={
            "inputmode": "numeric",
            "min": REPORT_INTERVAL_MIN,
            "max": REPORT_INTERVAL_MAX,
        },
    )


class TeamInviteForm(PageForm):
    email = EmailField(
        _l("E-mail address of a co-worker"),
        validators=[InputRequired(message=_l("Enter an e-mail address."))],
        description=_l("A person of your organisation who already has an account."),
        render_kw={"autocomplete": "off", "maxlength": 254},
    )
