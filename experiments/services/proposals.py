"""Creating and editing proposals (drafts, and answers to staff questions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import cast

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict, NotAllowed, StaleVersion
from ..extensions import db
from ..i18n import LANGUAGE_NAMES
from ..lifecycle import EDITABLE, Role, Status
from ..models import Call, Programme, Proposal, User
from ..models.types import utcnow
from ..rules import (
    BUDGET_MAX,
    BUDGET_MIN,
    CENTRES_ITEMS_MAX,
    DURATION_MAX,
    DURATION_MIN,
    NEED_MAX,
    SDGS_ITEMS_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    TITLE_MIN,
)
from ..vocabulary import SDGS, CityCentre, OrganisationType, ProposerType, ServiceArea
from . import clock, organisations
from .inputs import Fields, to_id, whole_number_message
from .transaction import transactional, unit_of_work

# Content an applicant edits; owner, status, version and ids are never taken from input.
CONTENT_FIELDS = (
    "language",
    "title",
    "summary",
    "need",
    "proposer_type",
    "service_area",
    "city_centres",
    "sdgs",
    "requested_budget",
    "planned_duration_months",
    "confidential_summary",
    "confidential_need",
)
# The proposer types that are organisation types: the proposing organisation's by default.
ORGANISATIONAL = frozenset(ProposerType) & frozenset(OrganisationType)
# The texts of a proposal: name, most characters, fewest (once stripped), one line or several.
TEXTS = (
    ("title", TITLE_MAX, TITLE_MIN, True),
    ("summary", SUMMARY_MAX, None, False),
    ("need", NEED_MAX, None, False),
)


def open_calls(today: date | None = None) -> Sequence[Call]:
    """Calls taking submissions today, earliest closing first."""
    today = today or clock.today()
    return db.session.scalars(
        select(Call)
        .where(Call.opens_on <= today, Call.closes_on >= today)
        .options(joinedload(Call.programme))  # each card names its programme
        .order_by(Call.closes_on, Call.id)
    ).all()


def public_call(call_id: int) -> Call | None:
    """A call with its programme, or None (every call is public)."""
    return db.session.scalars(
        select(Call).where(Call.id == call_id).options(joinedload(Call.programme))
    ).first()


def create_draft(owner: User, values: Mapping[str, object]) -> Proposal:
    """Create and commit a draft; the call defaults to the only open call. Raises Invalid
    for every wrong field at once (FieldConflict when only the calls refuse it)."""
    if owner.role != Role.APPLICANT:
        raise NotAllowed(_("Only applicants can propose experiments."))
    try:
        return _create_draft(owner, values)
    except IntegrityError:
        # A new organisation of the draft was stored by another request after this one
        # looked for it (two first drafts of one company at once): now it is found.
        return _create_draft(owner, values)


@transactional
def _create_draft(owner: User, values: Mapping[str, object]) -> Proposal:
    proposal = Proposal(owner=owner, status=Status.DRAFT)
    _apply(proposal, check_content(values))
    db.session.add(proposal)
    return proposal


def update_content(
    proposal: Proposal, actor: User, version: int, values: Mapping[str, object]
) -> Proposal:
    """Save the applicant's edits while the proposal is a draft or awaits more information;
    raises NotAllowed, Conflict, StaleVersion or Invalid (every wrong field at once)."""
    if proposal.owner_id != actor.id:
        raise NotAllowed(_("Only the applicant who made the proposal can edit it."))
    if proposal.status not in EDITABLE:
        raise Conflict(_("The proposal can no longer be edited."))
    if version != proposal.version:
        raise StaleVersion(_stale_message())
    try:
        with unit_of_work():
            _apply(proposal, check_content(values, proposal))
            # Partners and city centres live in other tables: touch the row so that every
            # save bumps the version, and a concurrent editor sees the conflict.
            proposal.updated_at = utcnow()
    except StaleDataError as error:
        raise StaleVersion(_stale_message()) from error
    return proposal


def _stale_message() -> str:
    return _(
        "Someone else changed this proposal while you were editing it. "
        "Reload the page to see the current version."
    )


def check_content(
    values: Mapping[str, object], proposal: Proposal | None = None
) -> dict[str, object]:
    """The content fields given, typed and checked, for a new draft (proposal None) or an
    edit of the proposal; writes nothing.

    Raises Invalid naming every wrong field at once, or FieldConflict when only the stored
    data refuses them (a call that is not there or closed, a resident proposer stored).
    Fields are named as the API's body names them ("organisation.business_id", "sdgs.0",
    "partners.0.name").
    """
    fields = Fields()
    checked = _read(fields, values, proposal)
    _find_call(fields, values, proposal, checked)
    fields.raise_if_any()
    return checked


def proposal_values(values: Mapping[str, object]) -> dict[str, object]:
    """The content fields given, checked as far as they can be without stored data (no call
    looked up, no proposal compared); raises Invalid naming every wrong field."""
    fields = Fields()
    checked = _read(fields, values, None)
    fields.raise_if_any()
    return checked


def _read(
    fields: Fields, values: Mapping[str, object], proposal: Proposal | None
) -> dict[str, object]:
    """Each content field given, typed; what is wrong goes to fields."""
    checked: dict[str, object] = {}
    if values.get("call_id") is not None and to_id(values["call_id"]) is None:
        fields.fail("call_id", _("Choose a call from the list."))
    if "language" in values:
        checked["language"] = fields.choice("language", values["language"], tuple(LANGUAGE_NAMES))
    for name, most, least, one_line in TEXTS:
        if name in values and values[name] is not None:
            text = fields.text(
                name, values[name], max_length=most, min_length=least, one_line=one_line
            )
            checked[name] = text or None
        elif name in values:
            checked[name] = None
    for name in ("confidential_summary", "confidential_need"):
        if name in values:
            checked[name] = fields.boolean(name, values[name])
    for name, vocabulary in (("proposer_type", ProposerType), ("service_area", ServiceArea)):
        if name in values:
            given = values[name]
            checked[name] = None if given is None else fields.choice(name, given, vocabulary)
    if "city_centres" in values:
        checked["city_centres"] = fields.choices(
            "city_centres", values["city_centres"], CityCentre, most=CENTRES_ITEMS_MAX
        )
    if "sdgs" in values:
        checked["sdgs"] = fields.integers(
            "sdgs", values["sdgs"], SDGS.start, SDGS.stop - 1, most=SDGS_ITEMS_MAX
        )
    if "requested_budget" in values:
        checked["requested_budget"] = fields.money(
            "requested_budget",
            values["requested_budget"],
            minimum=BUDGET_MIN,
            maximum=BUDGET_MAX,
            required=False,
        )
    if "planned_duration_months" in values:
        checked["planned_duration_months"] = fields.integer(
            "planned_duration_months",
            values["planned_duration_months"],
            DURATION_MIN,
            DURATION_MAX,
            whole_number_message(DURATION_MIN, DURATION_MAX),
            required=False,
        )
    _check_organisations(fields, values, proposal, checked)
    return checked


def _find_call(
    fields: Fields,
    values: Mapping[str, object],
    proposal: Proposal | None,
    checked: dict[str, object],
) -> None:
    """The call chosen (a new draft's default: the only open call), which must be open."""
    message = _("Choose a call from the list.")
    if proposal is None and values.get("call_id") is None:
        calls = open_calls()
        if len(calls) == 1:
            checked["call"] = calls[0]
        else:
            fields.conflict("call_id", _("Choose the call this proposal answers."))
    elif "call_id" in values and (proposal is None or values["call_id"] != proposal.call_id):
        number = to_id(values["call_id"])
        call = db.session.get(Call, number) if number is not None else None
        if values["call_id"] is None:  # an edit's call left unchosen
            fields.fail("call_id", message)
        elif number is not None and call is None:  # a well-formed id that names no call
            fields.conflict("call_id", message)
        elif call is not None and not call.is_open(clock.today()):
            fields.conflict("call_id", _closed_message(call))
        checked["call"] = call


def _check_organisations(
    fields: Fields,
    values: Mapping[str, object],
    proposal: Proposal | None,
    checked: dict[str, object],
) -> None:
    """The proposing organisation (none for a resident) and the consortium partners."""
    given = "proposer_type" in values
    proposer = checked.get("proposer_type") if given else getattr(proposal, "proposer_type", None)
    resident = _("A resident proposes without an organisation.")
    if values.get("organisation") is not None:
        if proposer == ProposerType.RESIDENT:
            # Said in the same request, the request is wrong; stored, the proposal refuses it.
            (fields.fail if given else fields.conflict)("organisation", resident)
        default = (
            OrganisationType(proposer)
            if isinstance(proposer, str) and proposer in ORGANISATIONAL
            else OrganisationType.COMPANY
        )
        checked["organisation"] = organisations.organisation_values(
            fields, values["organisation"], default_type=default
        )
    elif "organisation" in values:
        checked["organisation"] = None
    elif proposer == ProposerType.RESIDENT and given and proposal and proposal.organisation:
        fields.conflict("proposer_type", resident)
    if "partners" in values:
        # Only the proposal form sends partners: a list of its rows (the API body has none).
        given_partners = cast("Iterable[object]", values["partners"] or [])
        checked["partners"] = [
            organisations.organisation_values(fields, partner, f"partners.{index}")
            for index, partner in enumerate(given_partners)
            if not _left_empty(partner)
        ]


def _left_empty(partner: object) -> bool:
    """A partner row with neither a name nor a business ID (the form offers empty rows)."""
    return isinstance(partner, dict) and not any(
        isinstance(partner.get(key), str) and partner[key].strip()
        for key in ("name", "business_id")
    )


def _apply(proposal: Proposal, checked: Mapping[str, object]) -> None:
    """Set the checked content fields; organisation and partners are found or created.

    Every lookup comes first, then every assignment: the proposal's row is updated, and
    its version bumped, once per save rather than once per autoflush.
    """
    if checked.get("organisation") is not None:
        organisation = organisations.find_or_create_checked(checked["organisation"])
    if "partners" in checked:
        partners = checked["partners"]
        assert isinstance(partners, list)  # _read makes a list of them
        found = [organisations.find_or_create_checked(p) for p in partners]

    with db.session.no_autoflush:
        call = checked.get("call")
        if isinstance(call, Call):  # _find_call sets a Call or None
            proposal.call_id = call.id
            proposal.programme_id = call.programme_id
        for field in CONTENT_FIELDS:
            if field in checked:
                setattr(proposal, field, checked[field])
        if "organisation" in checked:
            proposal.organisation = organisation if checked["organisation"] else None
        if "partners" in checked:
            proposal.partners = list({id(o): o for o in found}.values())


def missing_for_submission(proposal: Proposal, today: date | None = None) -> dict[str, list[str]]:
    """Field → messages for what a proposal lacks before it can be submitted."""
    today = today or clock.today()
    errors: dict[str, list[str]] = {}
    required = {
        "title": _("Give the proposal a title."),
        "summary": _("Write a summary."),
        "need": _("Describe the need the experiment tests."),
        "proposer_type": _("Tell who is proposing."),
        "service_area": _("Choose a service area."),
        "requested_budget": _("Give the requested budget (0 if none)."),
        "planned_duration_months": _("Give the planned duration in months."),
    }
    for field, message in required.items():
        value = getattr(proposal, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[field] = [message]
    if proposal.proposer_type not in (None, ProposerType.RESIDENT) and not proposal.organisation:
        errors["organisation"] = [_("Name the organisation (required unless you are a resident).")]
    if not proposal.city_centres:
        errors["city_centres"] = [_("Choose at least one city centre, or city-wide.")]
    call = proposal.call
    if call is None:
        errors["call_id"] = [_("Choose the call this proposal answers.")]
    elif not call.is_open(today):
        errors["call_id"] = [_closed_message(call)]
    return errors


def _closed_message(call: Call) -> str:
    return _("The call “%(call)s” is closed and takes no new submissions.", call=call.title)


def default_programme() -> Programme | None:
    """The programme of the first open call, which new proposals join by default."""
    calls = open_calls()
    return calls[0].programme if calls else None
