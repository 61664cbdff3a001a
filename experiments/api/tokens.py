"""Bearer tokens for the API, and who the token belongs to."""

from flask_babel import gettext as _
from werkzeug.exceptions import TooManyRequests

from .. import throttling
from ..errors import TooManyAttempts
from ..extensions import limiter
from ..services import tokens
from .core import ApiBlueprint, Unauthorised, api_user, authenticated, current_token
from .schemas import MeSchema, TokenRequestSchema, TokenSchema

blp = ApiBlueprint("api_tokens", "tokens", "Bearer tokens and the token's user")


def _failed(response) -> bool:
    return response.status_code == 401


@blp.route("/tokens", methods=["POST"])
@limiter.limit("10 per minute", deduct_when=_failed)
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@blp.problems(401, 429)
def create_token(credentials):
    """Exchange an e-mail address and password (and one-time code) for a bearer token.

    Repeated failures from one address, or from an address that keeps failing for an account
    under attack, answer 429 for a while.
    """
    throttling.check_sign_in(credentials["email"])
    try:
        issued = tokens.issue_token(
            credentials["email"], credentials["password"], credentials["code"]
        )
    except TooManyAttempts as error:  # wrong one-time codes: this account waits a while
        raise TooManyRequests(description=error.message, retry_after=error.retry_after) from error
    if issued is None:
        throttling.sign_in_failed(credentials["email"])
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
    return api_user()
