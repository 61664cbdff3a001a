"""Language choice and the template helpers that format for the chosen language."""

import os
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote, urlencode

import click
from babel import support
from flask import Flask, current_app, g, has_request_context, request, session, url_for
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_time,
    get_locale,
    get_timezone,
    get_translations,
)
from flask_login import current_user
from markupsafe import Markup

from . import vocabulary
from .lifecycle import ROLE_LABELS, STATUS_LABELS, Role, Status
from .security import local_path

LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


def select_locale() -> str:
    """?lang=, then the session or the user's saved choice, then Accept-Language, then the
    configured default (Finnish).

    ?lang= is kept in the session only: a GET never writes to the database, and a signed-in
    person saves a choice with the language switch's POST (account.language). A `flask …`
    command speaks its operator's language; other work outside a request the default (mail
    is sent in each recipient's language).
    """
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    default: str = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        if click.get_current_context(silent=True) is not None:
            return operator_language()
        return default
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    kept: str | None = session.get("lang")
    if kept in languages:
        return kept
    # flask_login has no type information: current_user is Any to the checker.
    saved: str | None = current_user.locale if current_user.is_authenticated else None
    if saved in languages:
        return saved
    return request.accept_languages.best_match(languages) or default


def operator_language() -> str:
    """The language of the environment (LC_ALL, else LC_MESSAGES, else LANG, as POSIX reads
    them: the first one set decides), if it is one of ours; else English ("C" too)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            code = re.split(r"[_.@-]", os.environ[name], maxsplit=1)[0].lower()
            return code if code in current_app.config["LANGUAGES"] else "en"
    return "en"


def timezone() -> str:
    zone: str = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    return zone


def status_label(status: str) -> str:
    return translate(STATUS_LABELS[Status(status)])


def role_label(role: str) -> str:
    return translate(ROLE_LABELS[Role(role)])


def code_label(vocabulary_name: str, code: str) -> str:
    """Translated label of a code from a named code list, e.g. ('ServiceArea', 'mobility')."""
    return translate(vocabulary.label(getattr(vocabulary, vocabulary_name), code))


def sdg_label(goal: int | str) -> str:
    return translate(vocabulary.SDG_LABELS[int(goal)])


def money(value: Decimal | None) -> str:
    return "" if value is None else format_currency(value, "EUR")


def number(value: float | Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


def grouped(amount: Decimal | int) -> str:
    """A whole amount as the messages state their limits, in every language: its thousands
    set apart by spaces ("10 000 000")."""
    return f"{amount:,.0f}".replace(",", " ")


def percent(value: float | Decimal | None) -> str:
    """A share from 0 to 1 as a whole percentage in the language's format ('13 %', '13%')."""
    return "" if value is None else format_percent(value)


def lang_attr(language: str | None, text: object = True) -> Markup:
    """` lang="sv"` for an element holding text a person wrote in that language (WCAG 3.1.2);
    nothing when the element shows no such text (its fallback is in the page's language)."""
    if not text or not language:
        return Markup("")
    return Markup(' lang="%s"') % language


def language_url(code: str) -> str:
    """This page in another language: its route built again, or (no route matched) the path
    asked for if it stays on this site; else the home page."""
    if request.endpoint is not None:  # set exactly when a route matched (request.url_rule)
        path = url_for(request.endpoint, **(request.view_args or {}))
    else:
        path = request.script_root + quote(request.path)
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return (local_path(path) or url_for("main.home")) + "?" + urlencode(args, doseq=True)


_MEMO = "kokeilu_translations"


def translations() -> support.NullTranslations:
    """The catalogue of the language in force, found once per language in a request.

    Flask-Babel finds it through several context lookups per message; a page says a few
    hundred. Kept beside Flask-Babel's own per-request state and keyed by its locale object,
    so force_locale (mail in the recipient's language) is followed exactly.
    """
    state = g.get("_flask_babel") if g else None
    locale = getattr(state, "babel_locale", None)
    memo = getattr(state, _MEMO, None)
    if memo is not None and memo[0] is locale and locale is not None:
        kept: support.NullTranslations = memo[1]
        return kept
    found = get_translations()
    state = g.get("_flask_babel") if g else None
    locale = getattr(state, "babel_locale", None)
    if state is not None and locale is not None:
        setattr(state, _MEMO, (locale, found))
    return found


def translate(text: str, **variables: object) -> str:
    """Flask-Babel's gettext through translations(): the same text, for helpers called once
    per row of a page."""
    found: str = translations().ugettext(text)
    return found % variables if variables else found


@lru_cache(maxsize=4096)
def _formatted(kind: str, value: date | datetime | time, fmt: str, locale: str, zone: str) -> str:
    """A date, time or moment as the language in force writes it, in the time zone in force
    (both part of the key): the same rows are shown again and again, and Babel's formatting
    is costly."""
    formats: dict[str, Callable[..., str]] = {
        "date": format_date,
        "datetime": format_datetime,
        "time": format_time,
    }
    return formats[kind](value, fmt)


def _format(kind: str, default: str = "medium") -> Callable[..., str]:
    def apply(value: date | datetime | time | None, fmt: str = default) -> str:
        if value is None:
            return ""
        return _formatted(kind, value, fmt, str(get_locale()), str(get_timezone()))

    return apply


date_text = _format("date")
moment_text = _format("datetime")
time_text = _format("time", "short")


def init_app(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(
        language_url=language_url,
        lang_attr=lang_attr,
        current_locale=lambda: str(get_locale()),
        status_label=status_label,
        role_label=role_label,
        code_label=code_label,
        sdg_label=sdg_label,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
    )
    app.jinja_env.filters.update(
        money=money,
        number=number,
        percent=percent,
        date=date_text,
        datetime=moment_text,
        time=time_text,
    )
