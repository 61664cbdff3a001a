"""An experiment's partner organisations: adding one, existing or new, and the choices."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..errors import FieldConflict, Invalid
from ..extensions import db
from ..models import Experiment, ExperimentPartner, Organisation, User
from ..rules import NAME_MAX
from ..vocabulary import OrganisationType, PartnerRole
from . import organisations
from .experiments import check_recording
from .inputs import Fields, to_id
from .transaction import unit_of_work


def add_partner(
    experiment: Experiment,
    actor: User,
    *,
    role,
    organisation_id=None,
    organisation: dict | None = None,
) -> ExperimentPartner:
    """Add an organisation (by id, or found or created by name, type and business ID)."""
    check_recording(experiment, actor)
    fields = Fields()
    given_id = not fields.missing(organisation_id)
    key = "organisation_id" if given_id else "organisation"
    try:
        with unit_of_work():  # a refusal also forgets an organisation made for the partner
            role = fields.choice("role", role, PartnerRole)
            found = _organisation(fields, organisation_id if given_id else None, organisation)
            duplicate = _("“%(name)s” is already a partner in this experiment.", name=found.name)
            if found.id is not None and db.session.scalar(
                select(ExperimentPartner.id).where(
                    ExperimentPartner.experiment_id == experiment.id,
                    ExperimentPartner.organisation_id == found.id,
                )
            ):
                raise FieldConflict({key: [duplicate]})
            partner = ExperimentPartner(experiment=experiment, organisation=found, role=role)
            db.session.add(partner)
    except IntegrityError as error:  # added at the same moment by someone else
        raise FieldConflict({key: [duplicate]}) from error
    return partner


def _organisation(fields: Fields, organisation_id, organisation) -> Organisation:
    """The organisation chosen by id, or found or made from new values; raises Invalid or
    FieldConflict."""
    found: Organisation | None = None
    new: dict | None = None
    if organisation_id is not None and organisation:
        fields.fail(
            "organisation_id", _("Choose an existing organisation or enter a new one, not both.")
        )
    elif organisation_id is not None:
        number = to_id(organisation_id)
        found = db.session.get(Organisation, number) if number is not None else None
        if number is None:
            fields.fail("organisation_id", _("Choose an organisation from the list."))
        elif found is None:  # a well-formed id that names no organisation
            fields.conflict("organisation_id", _("Choose an organisation from the list."))
    elif organisation:
        new = _organisation_values(fields, organisation)
    else:
        fields.fail("organisation_id", _("Choose an existing organisation or enter a new one."))
    fields.raise_if_any()
    if new is not None:
        return organisations.find_or_create(new["name"], new["type"], new["business_id"])
    return found


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
        one_line=True,
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
