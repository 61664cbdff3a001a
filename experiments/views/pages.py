"""Fixed pages: privacy notice, accessibility statement."""

from flask import Blueprint

bp = Blueprint("pages", __name__)
