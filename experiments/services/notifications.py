"""E-mail to applicants about their proposals, in their own language."""

import logging

from flask import has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mailman import EmailMessage

from ..i18n import status_label
from ..lifecycle import Status
from ..models import Proposal

log = logging.getLogger(__name__)


def proposal_moved(proposal: Proposal, source: Status) -> None:
    """Tell the applicant their proposal moved; a mail failure never undoes the move."""
    owner = proposal.owner
    entry = proposal.history[-1] if proposal.history else None
    with force_locale(owner.locale or "fi"):
        title = proposal.title or _("Untitled proposal")
        # A header is one line: a title stored with line breaks would stop the mail.
        subject = _(
            "Your proposal “%(title)s”: %(state)s",
            title=" ".join(title.split()),
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
        if proposal.status == Status.MORE_INFO and entry is not None and entry.reason:
            # The question itself, and a link straight to the answer box under it.
            lines += [
                "",
                _("The city asks you:"),
                "",
                entry.reason,
                "",
                _(
                    "Answer the question on the proposal's page: %(link)s",
                    link=_proposal_link(proposal, "question"),
                ),
            ]
        else:
            if entry is not None and entry.reason:
                lines += ["", entry.reason]
            lines += ["", _("See the proposal: %(link)s", link=_proposal_link(proposal))]
        lines += ["", _("Kokeilu – the city's experiment programme")]
    try:
        EmailMessage(subject=subject, body="\n".join(lines), to=[owner.email]).send()
    except Exception:  # the move is committed; a mail server outage must not hide that
        log.exception("could not notify %s of proposal %s", owner.id, proposal.id)


def _proposal_link(proposal: Proposal, anchor: str | None = None) -> str:
    if has_request_context():
        return url_for("proposals.show", proposal_id=proposal.id, _anchor=anchor, _external=True)
    return f"/proposals/{proposal.id}" + (f"#{anchor}" if anchor else "")
