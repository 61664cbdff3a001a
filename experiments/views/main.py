"""The home page."""

from flask import Blueprint, render_template

from ..services.proposals import open_calls

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return render_template("main/home.html", calls=open_calls())
