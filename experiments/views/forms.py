"""Helpers that connect service errors to the forms that re-render them."""

from flask_wtf import FlaskForm

from ..errors import Invalid


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
