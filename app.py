"""Entry point for `flask` and WSGI servers."""

import gc

from experiments import create_app

app = create_app()

# What the app holds from start-up (modules, the routing map, the translation catalogues,
# SQLAlchemy's mappings) lives as long as the process: kept out of the cyclic collector's
# passes, each full collection walks a request's own objects, not the whole heap (about a
# tenth of a page's CPU time otherwise).
gc.collect()
gc.freeze()
