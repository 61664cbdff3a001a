"""Helpers that connect service errors to the forms that re-render them."""

from collections.abc import Callable
from typing import Literal, TypeVar

from flask import flash
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField
from wtforms.form import BaseForm

from ..errors import Conflict, Invalid

T = TypeVar("T")


def apply_errors(form: FlaskForm, error: Invalid, renames: dict[str, str] | None = None) -> None:
    """Put a service's field errors on the form's fields; others go to the form's summary,
    followed by the refusal as a whole (Invalid.summary) when the service said one.

    A field is named as the service names it, renamed by renames (by default the form's own,
    PageForm.renames). A dotted name reaches into a list of sub-forms ("partners.0.name" is
    the first partner's name); an item of a field of several values is that field ("sdgs.1").
    """
    renames = _renames(form, renames)
    unplaced = False
    for name, messages in error.errors.items():
        path = renames.get(name, name).split(".")
        field, lists = _field(form, path)
        if field is None:
            form.form_errors.extend(messages)
            unplaced = True
            continue
        field.errors = list(field.errors) + [m for m in messages if m not in field.errors]
        for entries in lists:
            # As WTForms' own validation leaves a list: each entry's errors, in order.
            entries.errors = [entry.errors for entry in entries.entries]
    if unplaced and error.summary:
        form.form_errors.append(error.summary)


def also_checked(
    form: FlaskForm, check: Callable[[], object], renames: dict[str, str] | None = None
) -> None:
    """For a submitted form that refused some fields: what the service's check (which writes
    nothing) refuses in the others, so that a person sees every message at once."""
    if not form.is_submitted() or not form.errors:
        return
    try:
        check()
    except Invalid as error:
        renames = _renames(form, renames)
        unsaid = {
            name: messages
            for name, messages in error.errors.items()
            if not getattr(_field(form, renames.get(name, name).split("."))[0], "errors", ())
        }
        apply_errors(form, Invalid(unsaid), renames)


def _renames(form: FlaskForm, renames: dict[str, str] | None) -> dict[str, str]:
    return renames if renames is not None else getattr(form, "renames", {})


def _field(form: FlaskForm, path: list[str]) -> tuple[Field | None, list[FieldList]]:
    """The field at the path, and the lists of sub-forms passed on the way."""
    target: object = form
    lists = []
    for part in path:
        if isinstance(target, FormField):
            target = target.form
        if isinstance(target, FieldList):
            if not part.isdigit() or int(part) >= len(target.entries):
                return None, []
            lists.append(target)
            target = target.entries[int(part)]
        elif isinstance(target, BaseForm):
            target = target[part] if part in target else None
        elif not (isinstance(target, Field) and part.isdigit()):
            return None, []
    return (target, lists) if isinstance(target, Field) else (None, [])


def rerender_status(form: FlaskForm) -> int:
    """422 for a submitted form with errors, so tools and tests can tell."""
    return 422 if form.errors else 200


def saved(
    form: FlaskForm,
    save: Callable[[], T],
    message: str | Callable[[], str] | None,
    *,
    check: Callable[[], object] | None = None,
    renames: dict[str, str] | None = None,
    category: str = "success",
    on_invalid: Callable[[Invalid], None] | None = None,
    conflicts: bool = True,
) -> T | Literal[True] | None:
    """For a submitted, valid form: save() and flash the message (or what message() says
    once saved; nothing with None, for a page that says it itself), answering save()'s
    result, or True when it answers nothing.

    None when the form was not submitted or not valid, or the service refused the values:
    then its field errors (renamed to the form's fields, or given to on_invalid instead; or a
    conflict, such as a stale version) are on the form and nothing is written (the service
    rolled its unit of work back). Where the form itself
    refuses some fields, check (the service's check, which writes nothing) says what it
    refuses in the others (also_checked). With conflicts=False a Conflict is the caller's
    (or views/errors', which says it on the page the person came from).
    """
    if not form.validate_on_submit():
        if check is not None:
            also_checked(form, check, renames)
        return None
    return saved_valid(
        form,
        save,
        message,
        renames=renames,
        category=category,
        on_invalid=on_invalid,
        conflicts=conflicts,
    )


def saved_valid(
    form: FlaskForm,
    save: Callable[[], T],
    message: str | Callable[[], str] | None,
    *,
    renames: dict[str, str] | None = None,
    category: str = "success",
    on_invalid: Callable[[Invalid], None] | None = None,
    conflicts: bool = True,
) -> T | Literal[True] | None:
    """saved() for a form the caller has validated already (validating twice would pass
    the text that the first validation cleaned of control characters)."""
    try:
        result = save()
    except Invalid as error:
        if on_invalid is not None:
            on_invalid(error)
        else:
            apply_errors(form, error, renames)
        return None
    except Conflict as error:
        if not conflicts:
            raise
        form.form_errors.append(error.message)
        return None
    if message is not None:
        flash(message() if callable(message) else message, category)
    return True if result is None else result
