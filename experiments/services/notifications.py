"""E-mail to applicants about their proposals, in their own language."""

from flask import has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import status_label
from ..lifecycle import Status
from ..models import Proposal
from . import mail_outbox


def proposal_moved(proposal: Proposal, source: Status, reason: str | None) -> None:
    """Tell the applicant their proposal moved: the mail is stored in the move's own unit
    of work and sent after it (a mail server outage neither undoes nor loses anything)."""
    owner = proposal.owner
    with force_locale(owner.locale or "fi"):
        title = proposal.title or _("Untitled proposal")
        subject = _(
            "Your proposal “%(title)s”: %(state)s",
            title=" ".join(title.split()),  # one line; the outbox mends any other subject
            state=status_label(proposal.status),
        )
        lines = [
            _("Hello %(name)s,", name=owner.name),
            "",
            _(
                "Your proposal “%(title)s” moved from “%(from)s” to “%(to)s”.",
                title=title,
                **{"from": status_label(source), "to": status_label(proposal.status)},
            ),
        ]
        if proposal.status == Status.MORE_INFO and reason:
            # The question itself, and a link straight to the answer box under it.
            lines += [
                "",
                _("The city asks you:"),
                "",
                reason,
                "",
                _(
                    "Answer the question on the proposal's page: %(link)s",
                    link=_proposal_link(proposal, "question"),
                ),
            ]
        else:
            if reason:
                lines += ["", reason]
            lines += ["", _("See the proposal: %(link)s", link=_proposal_link(proposal))]
        lines += ["", _("Kokeilu – the city's experiment programme")]
    mail_outbox.queue("proposal_moved", owner.email, subject, "\n".join(lines), user=owner)


def _proposal_link(proposal: Proposal, anchor: str | None = None) -> str:
    if has_request_context():
        return url_for("proposals.show", proposal_id=proposal.id, _anchor=anchor, _external=True)
    return f"/proposals/{proposal.id}" + (f"#{anchor}" if anchor else "")
