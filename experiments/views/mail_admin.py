"""Outgoing mail for admins: how much waits, and which messages failed and why."""

from flask import Blueprint, render_template

from ..lifecycle import Role
from ..services import mail_outbox
from .guards import allow

bp = Blueprint("mail_admin", __name__, url_prefix="/admin")


@bp.get("/mail")
@allow(Role.ADMIN)
def index():
    return render_template(
        "admin/mail.html",
        state=mail_outbox.queue_state(),
        messages=mail_outbox.unsent(),
        retries=len(mail_outbox.RETRY_DELAYS) + 1,
    )
