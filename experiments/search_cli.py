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

    with unit_of_work(counted=False):
        count = search.reindex()
    click.echo(ngettext("Indexed %(num)d proposal.", "Indexed %(num)d proposals.", count))
