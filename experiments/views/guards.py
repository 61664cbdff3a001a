"""Route guards: every view declares who may use it."""

from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager
from ..lifecycle import Role

EVERYONE = "everyone"
SIGNED_IN = "signed_in"


def allow(*who):
    """Let the view run for these roles (or EVERYONE, or anyone SIGNED_IN); 401→login, else 403.

    Object-level checks (whose proposal) stay in the view or service.
    """
    roles = {Role(w) for w in who if w not in (EVERYONE, SIGNED_IN)}

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if EVERYONE not in who:
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if roles and current_user.role not in roles:
                    abort(403)
            return view(*args, **kwargs)

        guarded.allowed = tuple(who)
        return guarded

    return decorate


STAFF = (Role.STAFF, Role.MANAGER)
