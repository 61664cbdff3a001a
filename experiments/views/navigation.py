"""The main navigation, drawn for the signed-in user's role."""

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..lifecycle import N_, Role

# (endpoint, label, roles that see it; None = everyone)
MENU = (
    ("main.home", N_("Home"), None),
    ("catalogue.index", N_("Experiments"), None),
    ("statistics.dashboard", N_("Statistics"), None),
    ("scorecard.index", N_("Scorecards"), None),
    ("proposals.mine", N_("My proposals"), {Role.APPLICANT}),
    ("screening.queue", N_("Screening"), {Role.STAFF, Role.MANAGER}),
    ("pilots.index", N_("Pilots"), {Role.STAFF, Role.MANAGER}),
    ("programmes.index", N_("Programmes"), {Role.MANAGER, Role.ADMIN}),
    ("exports.index", N_("Exports"), {Role.MANAGER}),
    ("admin.users", N_("Users"), {Role.ADMIN}),
)


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str
    current: bool


def navigation() -> list[MenuItem]:
    role = current_user.role if current_user.is_authenticated else None
    return [
        MenuItem(url_for(endpoint), gettext(label), request.endpoint == endpoint)
        for endpoint, label, roles in MENU
        if endpoint in current_app.view_functions and (roles is None or role in roles)
    ]
