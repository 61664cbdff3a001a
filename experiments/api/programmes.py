"""Programmes, for anyone."""

from sqlalchemy import select

from ..extensions import db
from ..models import Programme
from .core import ApiBlueprint
from .schemas import ProgrammeListSchema

blp = ApiBlueprint("api_programmes", "programmes", "The experiment programmes")


@blp.route("/programmes", methods=["GET"])
@blp.response(200, ProgrammeListSchema)
def list_programmes():
    """Every programme, earliest first."""
    programmes = db.session.scalars(
        select(Programme).order_by(Programme.start_year, Programme.id)
    ).all()
    return {"items": programmes}
