"""Bearer tokens for the API, and who the token belongs to."""

from flask import request
from flask_babel import gettext as _

from ..extensions import limiter
from ..services import tokens
from .core import ApiBlueprint, Unauthorised, api_user, authenticated, current_token
from .schemas import MeSchema, TokenRequestSchema, TokenSchema

blp = ApiBlueprint("api_tokens", "tokens", "Bearer tokens and the token's user")


def _failed(response) -> bool:
    return response.status_code == 401


def _account_key() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return "api-token:" + (email.strip().lower() if isinstance(email, str) else "-")


@blp.route("/tokens", methods=["POST"])
@limiter.limit("10 per minute", deduct_when=_failed)
@limiter.limit("20 per hour", key_func=_account_key, deduct_when=_failed)
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@blp.problems(401, 429)
def create_token(credentials):
    """Exchange an e-mail address and password (and one-time code) for a bearer token.

    Repeated failures from one address or for one account answer 429 for a while.
    """
    issued = tokens.issue_token(credentials["email"], credentials["password"], credentials["code"])
    if issued is None:
        raise Unauthorised(_("The e-mail address, password or one-time code is wrong."))
    raw, token = issued
    return {"token": raw, "expires_at": token.expires_at}


@blp.route("/tokens/current", methods=["DELETE"])
@authenticated()
@blp.response(204)
@blp.problems(401)
def revoke_token():
    """Revoke the token this request carries."""
    tokens.revoke_token(current_token())


@blp.route("/me", methods=["GET"])
@authenticated()
@blp.response(200, MeSchema)
@blp.problems(401)
def me():
    """The token's user."""
    user = api_user()
    return {"id": user.id, "name": user.name, "email": user.email, "role": user.role}
