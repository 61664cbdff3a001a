"""Organisations: found by business ID or created, never duplicated."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from stdnum.exceptions import ValidationError
from stdnum.fi import ytunnus

from ..errors import Invalid
from ..extensions import db
from ..models import Organisation
from ..vocabulary import OrganisationType


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
