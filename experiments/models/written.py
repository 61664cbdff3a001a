"""The language of text that people write, so that pages can mark it with its `lang`.

Kokeilu shows what users write as they wrote it, in any of the three languages, inside pages
in the reader's language. A screen reader reads a Swedish answer on a Finnish page with
Finnish pronunciation unless the text carries lang="sv" (WCAG 2.1, 3.1.2 Language of Parts).
"""

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, mapped_column


def writing_language() -> str:
    """The author's interface language while writing: the best evidence of the text's own
    (a proposal asks instead: its form has the field). Outside a request, the default."""
    if has_request_context():
        return str(get_locale())
    if has_app_context():
        default: str = current_app.config["BABEL_DEFAULT_LOCALE"]
        return default
    return "fi"


class WrittenIn:
    """Rows holding free text that a person wrote: `language` tells the text's language."""

    language: Mapped[str] = mapped_column(
        sa.String(5), default=writing_language, server_default="fi"
    )
