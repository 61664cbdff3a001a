"""The public catalogue of experiments and its open data (CC BY 4.0)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from markupsafe import Markup

from .. import catalogue, lessons, search
from ..api.schemas import PublicExperimentSchema
from ..exports import csv_stream
from ..lifecycle import Status
from ..routing import page_number
from ..rules import SEARCH_MAX
from ..uploads import download_response
from ..vocabulary import SDGS, CityCentre, ServiceArea
from .experiment_page import experiment_page
from .guards import EVERYONE, allow

bp = Blueprint("catalogue", __name__, url_prefix="/experiments")

PER_PAGE = 20
STATUSES = (Status.PILOT, Status.EVALUATION, Status.ADOPTED, Status.DISCONTINUED)
LICENCE_LINK = f'<{catalogue.LICENCE_URL}>; rel="license"'
# The open data file's items are the documents GET /api/v1/public/experiments answers.
OPEN_DATA = PublicExperimentSchema()


@bp.get("")
@allow(EVERYONE)
def index():
    filters, errors = catalogue.parse_filters(request.args)
    page = page_number()
    results = catalogue.public_experiments(filters, page, PER_PAGE)
    if page > results.pages:
        abort(404)
    return render_template(
        "catalogue/index.html",
        search_max=SEARCH_MAX,
        results=results,
        filters=filters,
        ignored=sorted(errors),
        years=catalogue.experiment_years(),
        statuses=STATUSES,
        areas=list(ServiceArea),
        centres=list(CityCentre),
        sdgs=SDGS,
    )


@bp.app_template_global()
def search_snippet(
    text: str | None, language: str, q: str | None, around: int = 40, matched: bool = False
) -> Markup:
    """The text around the first word that the search q matches, escaped, words in <mark>
    (matched: nothing when no word matches)."""
    return search.snippet(text, language, search.parse(q), around, matched_only=matched)


@bp.app_template_filter("one_line")
def one_line(text: str | None) -> str:
    """A lesson in one line: its first sentence, shortened at a word."""
    return lessons.one_line(text)


@bp.get("/<id:experiment_id>")
@allow(EVERYONE)
def show(experiment_id: int):
    item = catalogue.public_experiment(experiment_id)
    if item is None:
        abort(404)
    return experiment_page(item)


@bp.get("/<id:experiment_id>/files/<id:attachment_id>")
@allow(EVERYONE)
def attachment(experiment_id: int, attachment_id: int):
    """A file staff published on the experiment's page; any other file is 404."""
    found = catalogue.public_file(experiment_id, attachment_id)
    if found is None:
        abort(404)
    item, data = found
    return download_response(item.filename, item.content_type, data)


@bp.get("/open-data")
@allow(EVERYONE)
def open_data():
    return render_template(
        "catalogue/open_data.html",
        fields=catalogue.OPEN_DATA_FIELDS,
        licence_name=catalogue.LICENCE_NAME,
        licence_url=catalogue.LICENCE_URL,
    )


@bp.get("/open-data.csv")
@allow(EVERYONE)
def open_data_csv():
    rows = (catalogue.open_data_row(item) for item in catalogue.all_public_experiments())
    header = [name for name, _type, _meaning in catalogue.OPEN_DATA_FIELDS]
    return Response(
        stream_with_context(csv_stream(header, rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="kokeilu-experiments.csv"',
            "Link": LICENCE_LINK,
        },
    )


@bp.get("/open-data.json")
@allow(EVERYONE)
def open_data_json():
    def generate():
        head = {
            "licence": catalogue.LICENCE,
            "licence_name": catalogue.LICENCE_NAME,
            "licence_url": catalogue.LICENCE_URL,
        }
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "items": ['
        for n, item in enumerate(catalogue.all_public_experiments()):
            yield ("," if n else "") + json.dumps(OPEN_DATA.dump(item), ensure_ascii=False)
        yield "]}"

    return Response(
        stream_with_context(generate()), mimetype="application/json", headers={"Link": LICENCE_LINK}
    )
