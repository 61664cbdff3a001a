"""The home page: the public's, or the signed-in person's own (views/home.py)."""

from flask import Blueprint, render_template
from flask_login import current_user

from ..services.proposals import open_calls
from .guards import EVERYONE, allow
from .home import own_home

bp = Blueprint("main", __name__)


@bp.get("/")
@allow(EVERYONE)
def home():
    if current_user.is_authenticated:
        return own_home(current_user)
    return render_template("main/home.html", calls=open_calls())
