"""Accessibility feedback: stored for the programme managers and e-mailed to them."""

from email_validator import EmailNotValidError, validate_email
from flask import has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from ..errors import Invalid
from ..extensions import db
from ..lifecycle import Role
from ..models import Feedback, User
from . import mail_outbox
from .transaction import unit_of_work

MESSAGE_MAX = 5_000
NAME_MAX = 200
PAGE_URL_MAX = 500


def send_feedback(
    message: str,
    locale: str,
    name: str | None = None,
    email: str | None = None,
    page_url: str | None = None,
    user: User | None = None,
) -> Feedback:
    """Store feedback (anonymous is fine) and e-mail it to the managers; raises Invalid."""
    message = (message or "").strip()
    name = (name or "").strip() or None
    email = (email or "").strip() or None
    page_url = (page_url or "").strip() or None
    errors: dict[str, list[str]] = {}
    if not message:
        errors["message"] = [_("Write your feedback.")]
    elif len(message) > MESSAGE_MAX:
        errors["message"] = [_("At most %(n)d characters.", n=MESSAGE_MAX)]
    if name and len(name) > NAME_MAX:
        errors["name"] = [_("At most %(n)d characters.", n=NAME_MAX)]
    if page_url and len(page_url) > PAGE_URL_MAX:
        errors["page_url"] = [_("At most %(n)d characters.", n=PAGE_URL_MAX)]
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if errors:
        raise Invalid(errors)
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
