"""The home page: the public's, or the signed-in person's own (views/home.py)."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from .. import lessons, statistics
from ..services import clock
from ..services.proposals import open_calls, public_call
from .guards import EVERYONE, allow
from .home import own_home
from .statistics import headline

bp = Blueprint("main", __name__)

# The programme's figures the public home shows, from the statistics registry.
HOME_FIGURES = ("proposals", "carried_out", "adopted", "residents_customers")
RECENT_RESULTS = 3


@bp.get("/")
@allow(EVERYONE)
def home():
    if current_user.is_authenticated:
        return own_home(current_user)
    programme_id = statistics.default_programme_id(statistics.programme_refs())
    stats = statistics.programme_statistics(programme_id) if programme_id else None
    return render_template(
        "main/home.html",
        calls=open_calls(),
        stats=stats,
        figures=headline(stats, HOME_FIGURES) if stats else [],
        results=lessons.recent(RECENT_RESULTS),
    )


@bp.get("/calls/<id:call_id>")
@allow(EVERYONE)
def call(call_id: int):
    """A call for proposals as the public reads it: what it asks for and until when."""
    found = public_call(call_id)
    if found is None:
        abort(404)
    return render_template("main/call.html", call=found, today=clock.today())
