"""Each role's home: what needs the signed-in person now (lists from experiments/worklists)."""

from flask import render_template

from ..lifecycle import Role
from ..models import User
from ..services.proposals import open_calls
from ..worklists.admin import admin_home
from ..worklists.applicant import applicant_home
from ..worklists.manager import manager_home
from ..worklists.staff import staff_home


def own_home(user: User) -> str:
    """The signed-in person's home page, by their role."""
    if user.role == Role.APPLICANT:
        return render_template(
            "home/applicant.html", home=applicant_home(user.id), calls=open_calls()
        )
    if user.role == Role.STAFF:
        return render_template("home/staff.html", staff=staff_home(user.id))
    if user.role == Role.MANAGER:
        return render_template("home/manager.html", home=manager_home(), staff=staff_home(user.id))
    return render_template("home/admin.html", home=admin_home())
