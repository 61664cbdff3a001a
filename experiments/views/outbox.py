"""The development outbox: the e-mail the app stored (the mail outbox), readable in the
browser by admins.

Only in development (MAIL_BACKEND "file", not the production configuration); elsewhere the
page does not exist. The mail holds password-reset and confirmation links, so even there
only a signed-in admin may read it.
"""

from flask import Blueprint, render_template

from ..lifecycle import Role
from ..services import mail_outbox
from .guards import allow

bp = Blueprint("outbox", __name__, url_prefix="/dev")
SHOWN = 50


def shown(config) -> bool:
    """Whether the app has an outbox page: mail written to files, outside production."""
    return config.get("MAIL_BACKEND") == "file" and not config.get("PRODUCTION")


@bp.get("/outbox")
@allow(Role.ADMIN)
def index():
    return render_template("outbox/index.html", messages=mail_outbox.newest(SHOWN))
