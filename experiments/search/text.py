"""Words, stems and highlighted snippets: the Python side of search, the same on both databases.

A text is stemmed in its own language (fi, sv, en). What a searcher types is stemmed in all
three, because the searcher's language says nothing about the language of the text they are
looking for: "kirjastot" must find a Finnish text, "biblioteket" a Swedish one, whichever
interface language the searcher uses. Each query word matches when any of its stems (or the
word as typed) is a stem of the text; the last word also as a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer
from markupsafe import Markup, escape

# Letters and digits; everything else (punctuation, hyphens, underscores) separates words.
WORD = re.compile(r"[^\W_]+")
STEMMERS = {"fi": "finnish", "sv": "swedish", "en": "english"}
DEFAULT_LANGUAGE = "fi"
MAX_WORDS = 12  # a search is a few words; more only costs the database


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(STEMMERS.get(language, STEMMERS[DEFAULT_LANGUAGE]))


@lru_cache(maxsize=1 << 16)
def stem(word: str, language: str) -> str:
    """The word (lower case) stemmed in the language (fi, sv, en; another reads as fi)."""
    result: str = _stemmer(language).stemWord(word)
    return result


def words(text: str | None) -> list[str]:
    """The words of a text, lower case, in order."""
    return WORD.findall((text or "").lower())


@lru_cache(maxsize=1 << 12)  # generated and copied texts repeat
def stemmed(text: str | None, language: str) -> str:
    """The text as its stems, separated by spaces (what the SQLite index stores)."""
    return " ".join(stem(word, language) for word in words(text))


@dataclass(frozen=True)
class Term:
    """One word of a search: the forms that match it, and whether it matches as a prefix."""

    word: str
    forms: tuple[str, ...]
    prefix: bool

    def matches(self, word: str, language: str) -> bool:
        """Does a word of a text (lower case, in its language) match this term?"""
        candidates = (word, stem(word, language))
        if self.prefix:
            return any(c.startswith(f) for c in candidates for f in self.forms)
        return any(c in self.forms for c in candidates)


@dataclass(frozen=True)
class Query:
    """A parsed search: every term must match, in any field and order."""

    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse(text: str | None) -> Query:
    """The terms of what a person typed: at most MAX_WORDS words, the last also a prefix."""
    found = list(dict.fromkeys(words(text)))[:MAX_WORDS]
    terms = []
    for index, word in enumerate(found):
        forms = dict.fromkeys([word, *(stem(word, language) for language in STEMMERS)])
        terms.append(Term(word, tuple(forms), prefix=index == len(found) - 1))
    return Query(tuple(terms))


def _marked(text: str, language: str, query: Query) -> Iterator[tuple[int, int, bool]]:
    """(start, end, matched) of every word of the text."""
    for found in WORD.finditer(text):
        word = found.group().lower()
        yield found.start(), found.end(), any(t.matches(word, language) for t in query.terms)


def snippet(
    text: str | None, language: str, query: Query, around: int = 12, matched_only: bool = False
) -> Markup:
    """The part of the text around its first match (about `around` words), escaped, with
    matching words in <mark>; ellipses where it was cut.

    Without a match, the beginning of the text (matched_only: nothing).
    """
    text = text or ""
    spans = list(_marked(text, language, query))
    if not spans or matched_only and not any(hit for _s, _e, hit in spans):
        return Markup("")
    first = next((i for i, (_s, _e, hit) in enumerate(spans) if hit), 0)
    low = max(0, first - around // 3)
    high = min(len(spans), low + around)
    start = 0 if low == 0 else spans[low][0]
    end = len(text) if high == len(spans) else spans[high - 1][1]
    out = [Markup("… ") if start else Markup("")]
    cursor = start
    for begin, finish, hit in spans[low:high]:
        out.append(escape(text[cursor:begin]))
        word = escape(text[begin:finish])
        out.append(Markup("<mark>%s</mark>") % word if hit else word)
        cursor = finish
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(Markup(" …"))
    return Markup("").join(out)
