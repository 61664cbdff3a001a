"""Open data: the public experiments (from pilot on), CC BY 4.0, for anyone."""

from ..catalogue import LICENCE_URL, parse_filters, public_experiments
from ..errors import Invalid
from .core import ApiBlueprint
from .schemas import PublicPageSchema, PublicQuerySchema

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
