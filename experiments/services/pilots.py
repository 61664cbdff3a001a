"""Running an experiment: partners, participation, expenses, risks and its evaluation.

The pages and the JSON API call these. Each checks that the actor is staff or a manager
(NotAllowed), that the experiment still takes records (Conflict), validates every field
(Invalid, keyed by the API's body field names) and commits once.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from flask import abort
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..errors import Conflict, FieldConflict, Invalid, NotAllowed
from ..extensions import db
from ..i18n import number, status_label
from ..lifecycle import RECORDING_STATES
from ..models import (
    Evaluation,
    Expense,
    Experiment,
    ExperimentPartner,
    Organisation,
    Participation,
    Risk,
    User,
)
from ..models.written import writing_language
from ..patterns import web_address_pattern
from ..rules import (
    COUNT_MAX,
    DESCRIPTION_MAX,
    LINK_MAX,
    NAME_MAX,
    NOTE_MAX,
    REASON_MAX,
    RISK_MAX,
    RISK_MIN,
    USERS_MAX,
)
from ..vocabulary import (
    OrganisationType,
    ParticipationCategory,
    PartnerRole,
    Recommendation,
    RiskStatus,
)
from . import organisations
from .inputs import Fields, to_id

# Records are added while the experiment runs or is evaluated; the decision closes it.

PARTICIPATION_COLUMNS = ("date", "category", "count", "note")
REQUIRED_COLUMNS = ("date", "category", "count")
CSV_MAX_ROWS = 5_000
WEB_ADDRESS = re.compile(web_address_pattern())
CSV_MAX_BYTES = 1_000_000  # below the app's 1 MiB request limit, so the page can explain
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


def experiment_or_404(experiment_id: int, user: User | None) -> Experiment:
    """The experiment for staff and managers; for anyone else 404, as if it did not exist."""
    if user is None or not user.is_authenticated or not user.is_staff:
        abort(404)
    experiment = db.session.get(
        Experiment,
        experiment_id,
        options=[
            joinedload(Experiment.proposal),
            joinedload(Experiment.owner),
            selectinload(Experiment.partners).joinedload(ExperimentPartner.organisation),
            selectinload(Experiment.expenses),
            selectinload(Experiment.risks),
            joinedload(Experiment.evaluation),
        ],
    )
    if experiment is None:
        abort(404)
    return experiment


def may_record(experiment: Experiment) -> bool:
    """Whether partners, participants, expenses and risks may still be added."""
    return experiment.proposal.status in RECORDING_STATES


def _check(experiment: Experiment, actor: User) -> None:
    if actor is None or not getattr(actor, "is_staff", False):
        raise NotAllowed(_("Only city staff and programme managers run pilots."))
    if not may_record(experiment):
        raise Conflict(
            _(
                "The experiment is “%(state)s”: records can be added only while it is a pilot "
                "or in evaluation.",
                state=status_label(experiment.proposal.status),
            )
        )


def _commit(conflict_message: str) -> None:
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise Conflict(conflict_message) from error


# --- partners -------------------------------------------------------------------------


def add_partner(
    experiment: Experiment,
    actor: User,
    *,
    role,
    organisation_id=None,
    organisation: dict | None = None,
) -> ExperimentPartner:
    """Add an organisation (by id, or found or created by name, type and business ID)."""
    _check(experiment, actor)
    fields = Fields()
    role = fields.choice("role", role, PartnerRole)
    given_id = not fields.missing(organisation_id)
    found: Organisation | None = None
    new: dict | None = None
    if given_id and organisation:
        fields.fail(
            "organisation_id", _("Choose an existing organisation or enter a new one, not both.")
        )
    elif given_id:
        number = to_id(organisation_id)
        found = db.session.get(Organisation, number) if number is not None else None
        if number is None:
            fields.fail("organisation_id", _("Choose an organisation from the list."))
        elif found is None:
            fields.conflict("organisation_id", _("Choose an organisation from the list."))
    elif organisation:
        new = _organisation_values(fields, organisation)
    else:
        fields.fail("organisation_id", _("Choose an existing organisation or enter a new one."))
    fields.raise_if_any()

    if new is not None:
        found = organisations.find_or_create(new["name"], new["type"], new["business_id"])
    key = "organisation_id" if given_id else "organisation"
    duplicate = _("“%(name)s” is already a partner in this experiment.", name=found.name)
    if found.id is not None and db.session.scalar(
        select(ExperimentPartner.id).where(
            ExperimentPartner.experiment_id == experiment.id,
            ExperimentPartner.organisation_id == found.id,
        )
    ):
        db.session.rollback()
        raise FieldConflict({key: [duplicate]})
    partner = ExperimentPartner(experiment=experiment, organisation=found, role=role)
    db.session.add(partner)
    try:
        db.session.commit()
    except IntegrityError as error:  # added at the same moment by someone else
        db.session.rollback()
        raise FieldConflict({key: [duplicate]}) from error
    return partner


def _organisation_values(fields: Fields, organisation) -> dict | None:
    """The new organisation's name, type and business ID, each checked."""
    if not isinstance(organisation, dict):
        fields.fail("organisation", _("Give the organisation's name, type and business ID."))
        return None
    name = fields.text(
        "organisation.name",
        organisation.get("name"),
        max_length=NAME_MAX,
        required=True,
        message=_("Name the organisation."),
    )
    type_ = fields.choice("organisation.type", organisation.get("type"), OrganisationType)
    business_id = organisation.get("business_id")
    if business_id is not None and not isinstance(business_id, str):
        fields.fail("organisation.business_id", _("Enter the business ID as text, e.g. 0112038-9."))
        business_id = None
    try:
        business_id = organisations.clean_business_id(business_id, "organisation.business_id")
    except Invalid as error:
        for message in error.errors["organisation.business_id"]:
            fields.fail("organisation.business_id", message)
    return {"name": name, "type": type_, "business_id": business_id}


def organisation_choices() -> list[tuple[int, str]]:
    """Every organisation as (id, "name (business ID)"), by name."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.business_id).order_by(
            func.lower(Organisation.name), Organisation.id
        )
    ).all()
    return [
        (row.id, f"{row.name} ({row.business_id})" if row.business_id else row.name) for row in rows
    ]


# --- participation --------------------------------------------------------------------


def record_participation(experiment: Experiment, actor: User, rows) -> list[Participation]:
    """Save records all or none; raises Invalid keyed by field for one record, "row N" for more."""
    _check(experiment, actor)
    if not isinstance(rows, list | tuple) or not rows:
        raise Invalid({"rows": [_("Give at least one participation record.")]})
    if len(rows) > CSV_MAX_ROWS:
        raise Invalid({"rows": [_too_many_rows()]})
    records = _participation(experiment, list(enumerate(rows, start=1)), by_row=len(rows) > 1)
    db.session.add_all(records)
    db.session.commit()
    return records


def import_participation_csv(
    experiment: Experiment, actor: User, data: bytes, filename: str | None = None
) -> list[Participation]:
    """Save every row of a CSV file or none; raises Invalid ("file", or spreadsheet "row N")."""
    _check(experiment, actor)
    numbered, errors = read_participation_csv(data, filename)
    records = _participation(experiment, numbered, by_row=True, errors=errors)
    db.session.add_all(records)
    db.session.commit()
    return records


def read_participation_csv(data: bytes, filename: str | None = None):
    """([(row number, {column: value})], {"row N": [problems]}); raises Invalid for the file."""
    if filename is not None and not filename.lower().endswith(".csv"):
        raise Invalid({"file": [_("Choose a CSV file (a name ending in .csv).")]})
    if len(data) > CSV_MAX_BYTES:
        raise Invalid({"file": [_("The file is too large: at most 1 MB.")]})
    if not data.strip():
        raise Invalid({"file": [_("The file is empty.")]})
    if b"\x00" in data:
        raise Invalid({"file": [_("This is not a CSV text file.")]})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid(
            {"file": [_("The file is not UTF-8 text. In a spreadsheet, save it as “CSV UTF-8”.")]}
        ) from error
    first_line = text.lstrip().split("\n", 1)[0]
    # Spreadsheets with a decimal comma (Finnish, Swedish) separate columns with ";".
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered: list[tuple[int, dict]] = []
    errors: dict[str, list[str]] = {}
    try:
        header = next(reader, None)
        columns = [c.strip().lower() for c in header or []]
        if (
            len(set(columns)) != len(columns)
            or not set(REQUIRED_COLUMNS) <= set(columns)
            or not set(columns) <= set(PARTICIPATION_COLUMNS)
        ):
            raise Invalid(
                {
                    "file": [
                        _(
                            "The first row must name the columns: date,category,count,note "
                            "(note may be left out)."
                        )
                    ]
                }
            )
        for row_number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue  # a blank line
            if len(numbered) + len(errors) >= CSV_MAX_ROWS:
                raise Invalid({"file": [_too_many_rows()]})
            if len(values) != len(columns):
                errors[f"row {row_number}"] = [
                    _(
                        "expected %(expected)d values, found %(found)d.",
                        expected=len(columns),
                        found=len(values),
                    )
                ]
                continue
            numbered.append((row_number, dict(zip(columns, values, strict=True))))
    except csv.Error as error:
        raise Invalid(
            {"file": [_("The file is not valid CSV near row %(n)d.", n=reader.line_num)]}
        ) from error
    if not numbered and not errors:
        raise Invalid({"file": [_("The file has a header but no rows.")]})
    return numbered, errors


def _too_many_rows() -> str:
    return _("At most %(n)s rows at a time; split the file.", n=number(CSV_MAX_ROWS))


def _participation(
    experiment: Experiment, numbered, *, by_row: bool, errors: dict | None = None
) -> list[Participation]:
    """The records for the numbered rows; raises Invalid naming every bad row (FieldConflict
    for one record whose only fault is its date before the pilot's start)."""
    errors = dict(errors or {})
    malformed = by_row or bool(errors)
    records = []
    for row_number, row in numbered:
        fields = Fields()
        if not isinstance(row, dict):
            fields.fail("row", _("Give date, category, count and note."))
        else:
            when = fields.date("date", row.get("date"))
            if when is not None and when < experiment.start_date:
                fields.conflict(
                    "date",
                    _(
                        "The date is before the pilot started (%(start)s).",
                        start=format_date(experiment.start_date),
                    ),
                )
            category = fields.choice("category", row.get("category"), ParticipationCategory)
            count = fields.integer(
                "count",
                row.get("count"),
                1,
                COUNT_MAX,
                _("Enter a whole number from 1 to %(max)s.", max=number(COUNT_MAX)),
            )
            note = fields.text("note", row.get("note"), max_length=NOTE_MAX)
        problems = fields.all_errors()
        if problems:
            malformed = malformed or bool(fields.errors)
            if by_row:
                errors[f"row {row_number}"] = [
                    f"{field}: {message}"
                    for field, messages in problems.items()
                    for message in messages
                ]
            else:
                errors.update(problems)
            continue
        records.append(
            Participation(
                experiment_id=experiment.id, date=when, category=category, count=count, note=note
            )
        )
    if errors:
        bad = len(errors)
        refusal = Invalid if malformed else FieldConflict
        raise refusal(
            dict(sorted(errors.items(), key=_row_order)),
            ngettext(
                "%(num)d row has errors; nothing was saved.",
                "%(num)d rows have errors; nothing was saved.",
                bad,
            )
            if by_row
            else "",
        )
    return records


def _row_order(item) -> tuple:
    key = item[0]
    return (0, int(key[4:])) if key.startswith("row ") and key[4:].isdigit() else (1, key)


def participation_totals(experiment: Experiment) -> dict[ParticipationCategory, int]:
    """People who took part, per category (every category present, zero if none)."""
    rows = db.session.execute(
        select(Participation.category, func.sum(Participation.count))
        .where(Participation.experiment_id == experiment.id)
        .group_by(Participation.category)
    ).all()
    totals = {category: 0 for category in ParticipationCategory}
    totals.update({ParticipationCategory(c): int(n or 0) for c, n in rows})
    return totals


def recent_participation(experiment: Experiment, limit: int = 100):
    """The latest records (newest first) and how many there are in all."""
    total = db.session.scalar(
        select(func.count()).where(Participation.experiment_id == experiment.id)
    )
    rows = db.session.scalars(
        select(Participation)
        .where(Participation.experiment_id == experiment.id)
        .order_by(Participation.date.desc(), Participation.id.desc())
        .limit(limit)
    ).all()
    return rows, total


# --- expenses -------------------------------------------------------------------------


def record_expense(experiment: Experiment, actor: User, *, date, amount, description) -> Expense:
    """Record money spent on the experiment; raises Invalid for a bad date, amount or text."""
    _check(experiment, actor)
    fields = Fields()
    when = fields.date("date", date)
    money = fields.money("amount", amount)
    text = fields.text(
        "description",
        description,
        max_length=DESCRIPTION_MAX,
        required=True,
        message=_("Describe the expense."),
    )
    fields.raise_if_any()
    expense = Expense(experiment_id=experiment.id, date=when, amount=money, description=text)
    db.session.add(expense)
    db.session.commit()
    return expense


@dataclass(frozen=True)
class Spending:
    allocated: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.spent

    @property
    def over(self) -> bool:
        return self.spent > self.allocated


def spending(experiment: Experiment) -> Spending:
    """Allocated budget against the sum of the experiment's expenses."""
    spent = db.session.scalar(
        select(func.coalesce(func.sum(Expense.amount), 0)).where(
            Expense.experiment_id == experiment.id
        )
    )
    return Spending(experiment.allocated_budget, Decimal(spent or 0).quantize(Decimal("0.01")))


# --- risks ----------------------------------------------------------------------------


def add_risk(experiment: Experiment, actor: User, **values) -> Risk:
    """Add a risk as on the city's scorecards: probability and impact 1–4, a status."""
    _check(experiment, actor)
    risk = Risk(experiment_id=experiment.id, **_risk_values(**values))
    db.session.add(risk)
    db.session.commit()
    return risk


def reassess_risk(experiment: Experiment, risk: Risk, actor: User, **values) -> Risk:
    """Change a risk of the experiment as the pilot goes on (its status, above all)."""
    _check(experiment, actor)
    if risk.experiment_id != experiment.id:
        raise NotAllowed(_("The risk belongs to another experiment."))
    for name, value in _risk_values(**values).items():
        setattr(risk, name, value)
    risk.language = writing_language()  # the texts are the latest writer's
    db.session.commit()
    return risk


def _risk_values(*, description, probability, impact, mitigation, status, owner="") -> dict:
    """A risk's checked values; raises Invalid naming each wrong field."""
    fields = Fields()
    values = {
        "description": fields.text(
            "description",
            description,
            max_length=REASON_MAX,
            required=True,
            message=_("Describe the risk."),
        ),
        "probability": fields.integer(
            "probability",
            probability,
            RISK_MIN,
            RISK_MAX,
            _("Probability is a whole number from 1 to 4."),
        ),
        "impact": fields.integer(
            "impact", impact, RISK_MIN, RISK_MAX, _("Impact is a whole number from 1 to 4.")
        ),
        "mitigation": fields.text("mitigation", mitigation, max_length=REASON_MAX),
        "status": fields.choice("status", status, RiskStatus),
        "owner": fields.text("owner", owner, max_length=NAME_MAX),
    }
    fields.raise_if_any()
    return values


@dataclass(frozen=True)
class MatrixCell:
    probability: int
    impact: int
    risks: list  # (number in the experiment's list, risk)

    @property
    def score(self) -> int:
        return self.probability * self.impact


def risk_matrix(risks) -> list[tuple[int, list[MatrixCell]]]:
    """Rows of the 4×4 matrix, highest impact first: (impact, cells by probability 1–4)."""
    numbered = list(enumerate(risks, start=1))
    levels = range(RISK_MIN, RISK_MAX + 1)
    return [
        (
            impact,
            [
                MatrixCell(
                    p,
                    impact,
                    [(n, r) for n, r in numbered if r.probability == p and r.impact == impact],
                )
                for p in levels
            ],
        )
        for impact in reversed(levels)
    ]


# --- evaluation -----------------------------------------------------------------------


def save_evaluation(experiment: Experiment, actor: User, **values) -> Evaluation:
    """Write or revise the evaluation until the decision; raises Invalid, Conflict."""
    if actor is None or not getattr(actor, "is_staff", False):
        raise NotAllowed(_("Only city staff and programme managers evaluate experiments."))
    if experiment.proposal.status not in RECORDING_STATES:
        raise Conflict(
            _("The decision on this experiment is made: its evaluation can no longer be revised.")
        )
    fields = Fields()
    for unknown in sorted(set(values) - set(EVALUATION_FIELDS)):
        fields.fail(unknown, _("Unknown field."))
    got_users = fields.boolean("got_users", values.get("got_users"))
    users_count = fields.integer(
        "users_count",
        values.get("users_count"),
        0,
        USERS_MAX,
        _("Enter the number of users as a whole number of 0 or more."),
        required=False,
    )
    part_of_services = fields.boolean("part_of_services", values.get("part_of_services"))
    research_value = fields.boolean("research_value", values.get("research_value"))
    link = fields.text("research_link", values.get("research_link"), max_length=LINK_MAX)
    if link and not _is_web_address(link):
        fields.fail("research_link", _("Enter a web address starting with https://."))
    texts = {
        name: fields.text(name, values.get(name), max_length=REASON_MAX)
        for name in ("benefits_city", "benefits_customers", "findings")
    }
    recommendation = fields.choice("recommendation", values.get("recommendation"), Recommendation)
    fields.raise_if_any()
    evaluation = experiment.evaluation or Evaluation(experiment=experiment)
    evaluation.got_users = got_users
    evaluation.users_count = users_count
    evaluation.part_of_services = part_of_services
    evaluation.research_value = research_value
    evaluation.research_link = link
    evaluation.recommendation = recommendation
    evaluation.author_id = actor.id
    evaluation.language = writing_language()  # the texts are the latest author's
    for name, text in texts.items():
        setattr(evaluation, name, text)
    db.session.add(evaluation)
    _commit(_("Someone else saved the evaluation at the same moment; reload the page."))
    return evaluation


def _is_web_address(link: str) -> bool:
    return WEB_ADDRESS.fullmatch(link) is not None
