"""Helpers that connect service errors to the forms that re-render them."""

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm

from ..errors import Conflict, Invalid

T = TypeVar("T")


def apply_errors(form: FlaskForm, error: Invalid, renames: dict[str, str] | None = None) -> None:
    """Put a service's field errors on the form's fields; others go to the form's summary."""
    renames = renames or {}
    for name, messages in error.errors.items():
        field = getattr(form, renames.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            form.form_errors.extend(messages)


def rerender_status(form: FlaskForm) -> int:
    """422 for a submitted form with errors, so tools and tests can tell."""
    return 422 if form.errors else 200


def saved(form: FlaskForm, save: Callable[[], T], message: str) -> T | None:
    """For a submitted, valid form: save() and flash the message, answering save()'s result.

    None when the form was not submitted or not valid, or the service refused the values:
    then its field errors (or a conflict, such as a stale version) are on the form and
    nothing is written (the service rolled its unit of work back).
    """
    if not form.validate_on_submit():
        return None
    try:
        result = save()
    except (Invalid, Conflict) as error:
        if isinstance(error, Invalid):
            apply_errors(form, error)
        else:
            form.form_errors.append(error.message)
        return None
    flash(message, "success")
    return result
