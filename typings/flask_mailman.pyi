# The parts of flask_mailman 1.1 this project calls. The package has neither annotations nor a
# py.typed marker: these are the types its code takes and returns (Django's EmailMessage).
# Anything not listed here is Any (the module __getattr__).

from collections.abc import Sequence
from email.mime.base import MIMEBase
from typing import Any

class EmailMessage:
    def __init__(
        self,
        subject: str = "",
        body: str = "",
        from_email: str | tuple[str, str] | None = None,
        to: Sequence[str] | None = None,
        bcc: Sequence[str] | None = None,
        # A mail backend (flask_mailman.backends), which this project never passes.
        connection: object | None = None,
        attachments: Sequence[MIMEBase | tuple[str, str | bytes, str | None]] | None = None,
        headers: dict[str, str] | None = None,
        cc: Sequence[str] | None = None,
        reply_to: Sequence[str] | None = None,
    ) -> None: ...
    # The number of messages sent: 0 or 1.
    def send(self, fail_silently: bool = False) -> int: ...

def __getattr__(name: str) -> Any: ...
