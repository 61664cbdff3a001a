"""The home page."""

from flask import Blueprint, render_template

from ..services.proposals import open_calls
from .guards import EVERYONE, allow

bp = Blueprint("main", __name__)


@bp.get("/")
@allow(EVERYONE)
def home():
    return render_template("main/home.html", calls=open_calls())
