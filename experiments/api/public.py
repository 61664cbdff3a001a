"""Open data: the public experiments (from pilot on), CC BY 4.0, for anyone."""

from ..catalogue import LICENCE_URL, parse_filters, public_experiments
from ..errors import Invalid
from ..search.similar import similar_experiments
from .core import ApiBlueprint
from .schemas import PublicPageSchema, PublicQuerySchema, SimilarListSchema, SimilarQuerySchema

blp = ApiBlueprint(
    "api_public", "open data", "Experiments as open data (CC BY 4.0): organisations, never people"
)

FILTERS = ("status", "year", "service_area", "centre", "sdg", "programme", "q", "sort")


@blp.route("/public/experiments", methods=["GET"])
@blp.arguments(PublicQuerySchema, location="query")
@blp.response(
    200,
    PublicPageSchema,
    headers={
        "Link": {"description": 'The licence: rel="license"', "schema": {"type": "string"}},
    },
)
def list_public_experiments(query):
    """Experiments from pilot on, newest first (with q, the best match first); the data is
    licensed CC BY 4.0."""
    f, errors = parse_filters({k: str(query[k]) for k in FILTERS if k in query})
    if errors:
        raise Invalid(errors)
    page = public_experiments(f, query["page"], query["per_page"])
    return page, {"Link": f'<{LICENCE_URL}>; rel="license"'}


@blp.route("/public/experiments/similar", methods=["GET"])
@blp.arguments(SimilarQuerySchema, location="query")
@blp.response(200, SimilarListSchema)
def similar_public_experiments(query):
    """The public experiments (from pilot on) most like a text, the most similar first: what
    was tried before, for someone writing a proposal. Published text only."""
    found = similar_experiments(query["text"])
    items = [
        {"id": s.experiment_id, "title": s.title, "status": s.status, "score": s.score}
        for s in found
    ]
    return {"items": items}
