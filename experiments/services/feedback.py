"""Accessibility feedback: stored for the programme managers and e-mailed to them."""

from flask import has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from ..extensions import db
from ..lifecycle import Role
from ..models import Feedback, User
from ..rules import FEEDBACK_MAX, LINK_MAX, NAME_MAX
from . import mail_outbox
from .inputs import Fields
from .transaction import unit_of_work


def send_feedback(
    message: str,
    locale: str,
    name: str | None = None,
    email: str | None = None,
    page_url: str | None = None,
    user: User | None = None,
) -> Feedback:
    """Store feedback (anonymous is fine) and e-mail it to the managers; raises Invalid
    naming every wrong field."""
    fields = Fields()
    message = fields.text(
        "message",
        message,
        max_length=FEEDBACK_MAX,
        required=True,
        message=_("Write your feedback."),
    )
    name = fields.text("name", name, max_length=NAME_MAX, one_line=True) or None
    page_url = fields.text("page_url", page_url, max_length=LINK_MAX, one_line=True) or None
    email = fields.email("email", email)
    fields.raise_if_any()
    feedback = Feedback(
        message=message,
        name=name,
        email=email,
        page_url=page_url,
        locale=locale,
        user=user if user is not None and user.id else None,
    )
    with unit_of_work():
        db.session.add(feedback)
        db.session.flush()
        _tell_managers(feedback)
    return feedback


def recent_feedback(page: int, per_page: int) -> Pagination:
    """Feedback newest first, as a page of results."""
    return db.paginate(
        select(Feedback).order_by(Feedback.created_at.desc(), Feedback.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def _tell_managers(feedback: Feedback) -> None:
    """One e-mail per active manager, in the manager's language, stored with the feedback."""
    managers = db.session.scalars(
        select(User).where(User.role == Role.MANAGER, User.active).order_by(User.id)
    ).all()
    link = (
        url_for("pages.feedback", _external=True)
        if has_request_context()
        else "/accessibility/feedback"
    )
    for manager in managers:
        with force_locale(manager.locale or "fi"):
            subject = _("Accessibility feedback from the Kokeilu service")
            lines = [
                _("New feedback on the accessibility of the service:"),
                "",
                feedback.message,
                "",
                _("From: %(who)s", who=_sender(feedback)),
                _("Page: %(page)s", page=feedback.page_url or "–"),
                _("Sent in: %(language)s", language=feedback.locale),
                "",
                _("All feedback: %(link)s", link=link),
                "",
                _("Answer within 14 days if the sender left an e-mail address."),
            ]
        mail_outbox.queue(
            "feedback",
            manager.email,
            subject,
            "\n".join(lines),
            user=manager,
            reply_to=feedback.email,
        )


def _sender(feedback: Feedback) -> str:
    parts = [p for p in (feedback.name, feedback.email) if p]
    return ", ".join(parts) if parts else _("anonymous")
