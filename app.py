"""Entry point for `flask` and WSGI servers."""

from experiments import create_app

app = create_app()
