"""The programme statistics dashboard."""

from flask import Blueprint

bp = Blueprint("statistics", __name__)
