"""Creating and editing proposals (drafts, and answers to staff questions)."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict, FieldConflict, Invalid, NotAllowed, StaleVersion
from ..extensions import db
from ..lifecycle import EDITABLE, Role, Status
from ..models import Call, Programme, Proposal, User
from ..models.types import utcnow
from ..vocabulary import ProposerType
from . import organisations
from .transaction import transactional, unit_of_work

# Content an applicant edits; owner, status, version and ids are never taken from input.
CONTENT_FIELDS = (
    "language",
    "title",
    "summary",
    "need",
    "proposer_type",
    "service_area",
    "requested_budget",
    "planned_duration_months",
    "confidential_summary",
    "confidential_need",
)


def open_calls(today: date | None = None):
    """Calls taking submissions today, earliest closing first."""
    today = today or date.today()
    return db.session.scalars(
        select(Call)
        .where(Call.opens_on <= today, Call.closes_on >= today)
        .order_by(Call.closes_on, Call.id)
    ).all()


@transactional
def create_draft(owner: User, values: dict) -> Proposal:
    """Create and commit a draft; the call defaults to the only open call."""
    if owner.role != Role.APPLICANT:
        raise NotAllowed(_("Only applicants can propose experiments."))
    values = dict(values)
    if not values.get("call_id"):
        calls = open_calls()
        if len(calls) != 1:
            raise FieldConflict({"call_id": [_("Choose the call this proposal answers.")]})
        values["call_id"] = calls[0].id
    proposal = Proposal(owner=owner, status=Status.DRAFT)
    _apply(proposal, values)
    db.session.add(proposal)
    return proposal


def update_content(proposal: Proposal, actor: User, version: int, values: dict) -> Proposal:
    """Save the applicant's edits while the proposal is a draft or awaits more information."""
    if proposal.owner_id != actor.id:
        raise NotAllowed(_("Only the applicant who made the proposal can edit it."))
    if proposal.status not in EDITABLE:
        raise Conflict(_("The proposal can no longer be edited."))
    if version != proposal.version:
        raise StaleVersion(_stale_message())
    try:
        with unit_of_work():
            _apply(proposal, values)
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


def _apply(proposal: Proposal, values: dict) -> None:
    """Set the given content fields; organisation and partners are found or created.

    Every lookup comes first, then every assignment: the proposal's row is updated, and
    its version bumped, once per save rather than once per autoflush.
    """
    call = None
    if "call_id" in values and values["call_id"] != proposal.call_id:
        call = db.session.get(Call, values["call_id"]) if values["call_id"] else None
        # A call that is not there, or closed, is the stored data's refusal of the id.
        if call is None:
            raise FieldConflict({"call_id": [_("Choose a call from the list.")]})
        if not call.is_open(date.today()):
            raise FieldConflict({"call_id": [_closed_message(call)]})
    if "organisation" in values:
        org = values["organisation"]
        organisation = (
            organisations.find_or_create(org["name"], org["type"], org.get("business_id"))
            if org and org.get("name")
            else None
        )
    if "partners" in values:
        try:
            found = [
                organisations.find_or_create(p["name"], p["type"], p.get("business_id"))
                for p in values["partners"] or []
                if p.get("name")
            ]
        except Invalid as error:  # a partner's business ID is not the proposer's
            raise Invalid({"partners": error.errors["business_id"]}) from error

    with db.session.no_autoflush:
        if call is not None:
            proposal.call_id = call.id
            proposal.programme_id = call.programme_id
        for field in CONTENT_FIELDS:
            if field in values:
                setattr(proposal, field, values[field])
        if "city_centres" in values:
            proposal.city_centres = values["city_centres"] or []
        if "sdgs" in values:
            proposal.sdgs = values["sdgs"] or []
        if "organisation" in values:
            proposal.organisation = organisation
        if "partners" in values:
            proposal.partners = list({id(o): o for o in found}.values())


def missing_for_submission(proposal: Proposal, today: date | None = None) -> dict:
    """Field → messages for what a proposal lacks before it can be submitted."""
    today = today or date.today()
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
