"""An experiment's partner organisations: adding one, existing or new, and the choices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..errors import FieldConflict
from ..extensions import db
from ..models import Experiment, ExperimentPartner, Organisation, User
from ..vocabulary import PartnerRole
from . import organisations
from .experiments import check_recording
from .inputs import Fields, to_id
from .transaction import unit_of_work


def add_partner(
    experiment: Experiment,
    actor: User,
    *,
    role: object,
    organisation_id: object = None,
    organisation: Mapping[str, object] | None = None,
) -> ExperimentPartner:
    """Add an organisation (by id, or found or created by name, type and business ID)."""
    check_recording(experiment, actor)
    fields = Fields()
    checked = _read(
        fields, {"role": role, "organisation_id": organisation_id, "organisation": organisation}
    )
    key = "organisation" if checked["organisation"] is not None else "organisation_id"
    try:
        with unit_of_work():  # a refusal also forgets an organisation made for the partner
            found = _organisation(fields, checked)
            duplicate = _("“%(name)s” is already a partner in this experiment.", name=found.name)
            if found.id is not None and db.session.scalar(
                select(ExperimentPartner.id).where(
                    ExperimentPartner.experiment_id == experiment.id,
                    ExperimentPartner.organisation_id == found.id,
                )
            ):
                raise FieldConflict({key: [duplicate]})
            partner = ExperimentPartner(
                experiment=experiment, organisation=found, role=checked["role"]
            )
            db.session.add(partner)
    except IntegrityError as error:  # added at the same moment by someone else
        raise FieldConflict({key: [duplicate]}) from error
    return partner


class PartnerValues(TypedDict):
    """A partner's checked role, and the chosen organisation's id or a new one's values."""

    role: PartnerRole | None
    organisation_id: int | None
    organisation: dict[str, object] | None


def partner_values(values: Mapping[str, object]) -> PartnerValues:
    """A partner's role and organisation (an id, or a new one's values), checked as far as
    they can be without looking the organisation up; raises Invalid naming each wrong field."""
    fields = Fields()
    checked = _read(fields, values)
    fields.raise_if_any()
    return checked


def _read(fields: Fields, values: Mapping[str, object]) -> PartnerValues:
    """The role, and the organisation's id or new values; what is wrong goes to fields."""
    organisation_id, organisation = values.get("organisation_id"), values.get("organisation")
    checked: PartnerValues = {
        "role": fields.choice("role", values.get("role"), PartnerRole),
        "organisation_id": None,
        "organisation": None,
    }
    if not fields.missing(organisation_id) and organisation:
        fields.fail(
            "organisation_id", _("Choose an existing organisation or enter a new one, not both.")
        )
    elif not fields.missing(organisation_id):
        checked["organisation_id"] = to_id(organisation_id)
        if checked["organisation_id"] is None:
            fields.fail("organisation_id", _("Choose an organisation from the list."))
    elif organisation:
        checked["organisation"] = organisations.organisation_values(fields, organisation)
    else:
        fields.fail("organisation_id", _("Choose an existing organisation or enter a new one."))
    return checked


def _organisation(fields: Fields, checked: PartnerValues) -> Organisation:
    """The organisation chosen by id, or found or made from new values; raises Invalid or
    FieldConflict."""
    found: Organisation | None = None
    if checked["organisation_id"] is not None:
        found = db.session.get(Organisation, checked["organisation_id"])
        if found is None:  # a well-formed id that names no organisation
            fields.conflict("organisation_id", _("Choose an organisation from the list."))
    fields.raise_if_any()
    new = checked["organisation"]
    if new is not None:
        return organisations.find_or_create_checked(new)
    assert found is not None  # an id, or new values: _read refused anything else
    return found


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
