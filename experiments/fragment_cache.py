"""Rendered parts of pages kept per data generation: a list row, a page's history.

A template wraps a part that is the same for everyone it is shown to in

    {% call fragment("queue-row", p.id, row.facts, …) %} … {% endcall %}

naming every input that is not the data itself: who sees it differently, what the reader
searched for, the moment it is rendered for. The data is fixed by the generation token
(statistics_cache), and the language and time zone are added to the key here, so a part
found under its key is exactly what rendering it again would give. The part is rendered
(and whatever it reads computed) only when it is not kept. Never wrap anything carrying a
CSRF token or the signed-in reader's own state without naming that state in the key.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

from .statistics_cache import Kept, through_cache

# About 1.5 KB a row: a few MB per worker, the rows of a few hundred list pages.
SIZE = 4096
_fragments = Kept(SIZE)


def fragment(*key: object, caller: Callable[[], str], when: bool = True) -> Markup:
    """The part the caller renders, kept under key for this generation, language and zone;
    when false, rendered afresh and not kept (a part holding a form)."""
    if not when:
        return Markup(caller())
    place = ("fragment", str(get_locale()), str(get_timezone()), *key)
    return through_cache(place, lambda: Markup(caller()), kept=_fragments, immutable=True)


def forget_all() -> None:
    """Drop every kept part (tests compare a kept part with one rendered afresh)."""
    _fragments.clear()


def init_app(app: Flask) -> None:
    app.jinja_env.globals["fragment"] = fragment
