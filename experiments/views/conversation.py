"""A proposal's conversation: posting a message from the proposal page."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..forms.conversation import MessageForm
from ..models import ProposalMessage
from ..services import access, conversation
from ..vocabulary import MessageVisibility
from .forms import rerender_status, saved
from .guards import SIGNED_IN, allow
from .proposals import show as show_proposal

bp = Blueprint("conversation", __name__, url_prefix="/proposals")


def _said(visibility: MessageVisibility) -> str:
    if visibility == MessageVisibility.INTERNAL:
        return _("Your internal message is saved: only city staff and managers read it.")
    return _("Your message is sent.")


@bp.route("/<id:proposal_id>/messages", methods=["GET", "POST"])
@allow(SIGNED_IN)
def post(proposal_id: int):
    """Add a message to the thread; a refused one is shown on the proposal page again."""
    proposal = access.proposal_or_404(proposal_id, current_user)
    if request.method == "GET":
        return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor="conversation"))
    form = MessageForm.for_writer(current_user)
    chosen = form.visibility.data if "visibility" in form else None
    message = saved(
        form,
        lambda: conversation.post_message(proposal, current_user, form.text.data, chosen),
        None,  # said below, by what the message became
        check=lambda: conversation.message_values({"text": form.text.data, "visibility": chosen}),
    )
    if isinstance(message, ProposalMessage):
        flash(_said(message.visibility), "success")
        anchor = f"message-{message.id}"
        return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor=anchor), 303)
    return show_proposal(proposal.id, message_form=form, status_code=rerender_status(form))
