"""The public lessons library: what the city learned from experiments it decided on."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from .. import lessons
from ..routing import page_number
from ..vocabulary import CityCentre, ServiceArea
from .guards import EVERYONE, allow

bp = Blueprint("lessons", __name__, url_prefix="/lessons")

PER_PAGE = 20


@bp.get("")
@allow(EVERYONE)
def index():
    filters, ignored = lessons.parse_filters(request.args)
    page = page_number()
    results = lessons.lessons(filters, page, PER_PAGE)
    if page > results.pages:
        abort(404)
    return render_template(
        "lessons/index.html",
        results=results,
        filters=filters,
        ignored=ignored,
        outcomes=lessons.DECIDED,
        areas=list(ServiceArea),
        centres=list(CityCentre),
        q_max=lessons.Q_MAX,
    )
