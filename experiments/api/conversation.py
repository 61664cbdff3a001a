"""A proposal's conversation: the applicant and staff write to each other, staff internally."""

from __future__ import annotations

from ..lifecycle import Role
from ..services import access, conversation
from .core import ApiBlueprint, api_user, authenticated
from .schemas import MessageInSchema, MessageListSchema, MessageSchema

blp = ApiBlueprint(
    "api_conversation",
    "conversation",
    "A proposal's conversation: messages to and from the applicant, and internal ones",
)

PARTIES = (Role.APPLICANT, Role.STAFF, Role.MANAGER)
ID = "<id:proposal_id>"


@blp.route(f"/proposals/{ID}/messages", methods=["GET"])
@authenticated(*PARTIES)
@blp.response(200, MessageListSchema)
@blp.problems(401, 403, 404)
def list_messages(proposal_id: int):
    """The messages this token may read, oldest first (the applicant: none internal)."""
    user = api_user()
    proposal = access.proposal_or_404(proposal_id, user)
    return {"items": conversation.messages_for(proposal, user)}


@blp.route(f"/proposals/{ID}/messages", methods=["POST"])
@authenticated(*PARTIES)
@blp.arguments(MessageInSchema)
@blp.response(201, MessageSchema)
@blp.problems(
    401,
    403,
    404,
    because={403: "The role may not use this, or an applicant wrote an internal message."},
)
def post_message(body, proposal_id: int):
    """Write in the proposal's thread; a message to the applicant e-mails them, and the
    applicant's message e-mails the staff working on the proposal."""
    user = api_user()
    proposal = access.proposal_or_404(proposal_id, user)
    return conversation.post_message(proposal, user, body["text"], body.get("visibility"))
