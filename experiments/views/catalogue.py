"""The public catalogue of experiments and its open data."""

from flask import Blueprint

bp = Blueprint("catalogue", __name__, url_prefix="/experiments")
