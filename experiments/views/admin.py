"""Administration: users and roles."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..audit_history import shown_history
from ..extensions import db
from ..forms.admin import AccountForm
from ..lifecycle import Role
from ..models import Proposal, User
from ..queries import Page
from ..routing import page_number
from ..services.admin import change_account, send_enrolment_link
from ..services.second_factor import needs_enrolment_link
from ..worklists.admin import recent_changes
from .forms import rerender_status, saved
from .guards import allow

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50
CHANGES_SHOWN = 50


@bp.get("/users")
@allow(Role.ADMIN)
def users():
    query = select(User)
    q = (request.args.get("q") or "").strip()
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(func.lower(User.name).like(like), func.lower(User.email).like(like))
        )
    role = request.args.get("role")
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    page = page_number()
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(
        query.order_by(User.name, User.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    results = Page(items=list(items), page=page, per_page=PER_PAGE, total=total)
    return render_template("admin/users.html", results=results, q=q, role=role, roles=list(Role))


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def user(user_id: int):
    account = db.get_or_404(User, user_id)
    form = AccountForm(obj=account)
    if saved(
        form,
        lambda: change_account(current_user, account, role=form.role.data, active=form.active.data),
        _("The account of %(name)s is saved.", name=account.name),
    ):
        return redirect(url_for(".users"))
    return render_template(
        "admin/user.html",
        form=form,
        account=account,
        enrolment_link_due=needs_enrolment_link(account),
        proposals=_proposal_count(account),
        changes=recent_changes(account.id, limit=CHANGES_SHOWN),
        all_changes=shown_history("user", account.id),
    ), rerender_status(form)


def _proposal_count(account: User) -> int:
    query = select(func.count()).select_from(Proposal).where(Proposal.owner_id == account.id)
    return db.session.scalar(query) or 0


@bp.get("/users/<id:user_id>/proposals")
@allow(Role.ADMIN)
def user_proposals(user_id: int):
    """The account's proposals by title and state only: administrators read no content."""
    account = db.get_or_404(User, user_id)
    rows = db.session.execute(
        select(Proposal.id, Proposal.title, Proposal.language, Proposal.status, Proposal.created_at)
        .where(Proposal.owner_id == account.id)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    ).all()
    return render_template("admin/user_proposals.html", account=account, rows=rows)


@bp.post("/users/<id:user_id>/enrolment-link")
@allow(Role.ADMIN)
def enrolment_link(user_id: int):
    """Mail the account a new link to set up its second factor."""
    account = db.get_or_404(User, user_id)
    send_enrolment_link(current_user, account)  # a refusal is said on the page it came from
    flash(_("A new enrolment link was sent to %(email)s.", email=account.email), "success")
    return redirect(url_for(".user", user_id=account.id))
