"""The JSON API v1: the same services and workflow table as the pages, problem+json errors."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")
