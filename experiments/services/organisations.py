"""Organisations: checked, found by business ID or created, never duplicated."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from stdnum.exceptions import ValidationError
from stdnum.fi import ytunnus

from ..errors import Invalid
from ..extensions import db
from ..models import Organisation
from ..rules import NAME_MAX
from ..vocabulary import OrganisationType
from .inputs import Fields


def clean_business_id(value: str | None, field: str = "business_id") -> str | None:
    """The Y-tunnus in its standard form (0112038-9), None if empty; raises Invalid."""
    if value is None or not value.strip():
        return None
    try:
        return ytunnus.format(ytunnus.validate(value.strip()))
    except ValidationError as error:
        raise Invalid(
            {field: [_("Enter a valid Finnish business ID (Y-tunnus), e.g. 0112038-9.")]}
        ) from error


def organisation_values(
    fields: Fields,
    given: object,
    key: str = "organisation",
    default_type: OrganisationType | None = None,
) -> dict[str, object] | None:
    """A new organisation's name, type (default_type if none is given) and business ID, each
    checked; the messages go to fields under key.name, key.type and key.business_id."""
    if not isinstance(given, dict):
        fields.fail(key, _("Give the organisation's name, type and business ID."))
        return None
    name = fields.text(
        f"{key}.name",
        given.get("name"),
        max_length=NAME_MAX,
        required=True,
        message=_("Name the organisation."),
        one_line=True,
    )
    type_ = given.get("type")
    if type_ is None and default_type is not None:
        type_ = default_type
    else:
        type_ = fields.choice(f"{key}.type", type_, OrganisationType)
    business_id = given.get("business_id")
    if business_id is not None and not isinstance(business_id, str):
        fields.fail(f"{key}.business_id", _("Enter the business ID as text, e.g. 0112038-9."))
        business_id = None
    try:
        business_id = clean_business_id(business_id, f"{key}.business_id")
    except Invalid as error:
        for field, messages in error.errors.items():
            for message in messages:
                fields.fail(field, message)
        business_id = None
    return {"name": name, "type": type_, "business_id": business_id}


def find_or_create_checked(values: object) -> Organisation:
    """find_or_create with the name, type and business ID that organisation_values gave."""
    # organisation_values gives a dict of these once fields holds no error for them
    assert isinstance(values, dict)
    name, type_, business_id = values["name"], values["type"], values["business_id"]
    assert isinstance(name, str) and isinstance(type_, str)
    assert business_id is None or isinstance(business_id, str)
    return find_or_create(name, type_, business_id)


def find_or_create(name: str, type_: str, business_id: str | None) -> Organisation:
    """The organisation with this business ID (or, without one, this exact name), else a new one.

    Adds a new organisation to the session; the caller's transaction commits it.
    """
    name = name.strip()
    business_id = clean_business_id(business_id)
    if business_id:
        found = db.session.scalar(
            select(Organisation).where(Organisation.business_id == business_id)
        )
    else:
        found = db.session.scalar(
            select(Organisation).where(
                Organisation.business_id.is_(None),
                func.lower(Organisation.name) == name.lower(),
            )
        )
    if found is not None:
        return found
    organisation = Organisation(name=name, type=OrganisationType(type_), business_id=business_id)
    db.session.add(organisation)
    return organisation
