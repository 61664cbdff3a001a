"""The development outbox: e-mail the app wrote to files, readable in the browser by admins.

Only in development (MAIL_BACKEND "file", not the production configuration); elsewhere the
page does not exist. The mail holds password-reset and confirmation links, so even there
only a signed-in admin may read it.
"""

import email
import os
from dataclasses import dataclass
from email.policy import default as default_policy

from flask import Blueprint, current_app, render_template

from ..lifecycle import Role
from .guards import allow

bp = Blueprint("outbox", __name__, url_prefix="/dev")
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
SHOWN = 50


def shown(config) -> bool:
    """Whether the app has an outbox page: mail written to files, outside production."""
    return config.get("MAIL_BACKEND") == "file" and not config.get("PRODUCTION")


@dataclass(frozen=True)
class Message:
    subject: str
    to: str
    date: str
    body: str


def read_outbox(folder: str, limit: int = SHOWN) -> list[Message]:
    """The newest messages in the outbox folder, newest first."""
    if not os.path.isdir(folder):
        return []
    names = sorted((n for n in os.listdir(folder) if n.endswith(".log")), reverse=True)
    messages: list[Message] = []
    for name in names:
        with open(os.path.join(folder, name), "rb") as handle:
            chunks = [c for c in handle.read().split(SEPARATOR) if c.strip()]
        for chunk in reversed(chunks):
            parsed = email.message_from_bytes(chunk, policy=default_policy)
            body = parsed.get_body(("plain",))
            messages.append(
                Message(
                    subject=str(parsed["subject"] or ""),
                    to=str(parsed["to"] or ""),
                    date=str(parsed["date"] or ""),
                    body=body.get_content() if body else "",
                )
            )
            if len(messages) >= limit:
                return messages
    return messages


@bp.get("/outbox")
@allow(Role.ADMIN)
def index():
    messages = read_outbox(current_app.config["MAIL_FILE_PATH"])
    return render_template("outbox/index.html", messages=messages)
