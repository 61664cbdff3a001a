"""`flask search reindex`: rebuild the search index from the rows (search/documents.py)."""

import click
from flask.cli import AppGroup
from flask_babel import ngettext

search_group = AppGroup("search", help="Maintain the full-text search index.")


@search_group.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index of every proposal and experiment, in one transaction."""
    from . import search
    from .services.transaction import unit_of_work

    # Counted: a rebuilt index may find other experiments, so the catalogue's searches kept
    # for anonymous readers (page_cache.py) must be made again.
    with unit_of_work():
        count = search.reindex()
    click.echo(ngettext("Indexed %(num)d proposal.", "Indexed %(num)d proposals.", count))
