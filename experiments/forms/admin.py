"""Forms of the administration pages."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from ..lifecycle import ROLE_LABELS, Role
from .base import PageForm
from .fields import TranslatedSelectField


class AccountForm(PageForm):
    role = TranslatedSelectField(
        _l("Role"), choices=[(role.value, ROLE_LABELS[role]) for role in Role]
    )
    active = BooleanField(_l("May sign in"))
