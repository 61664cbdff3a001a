"""Running pilots: partners, participation, expenses, risks, evaluation (staff)."""

from flask import Blueprint

bp = Blueprint("pilots", __name__, url_prefix="/pilots")
