"""Programmes and their calls (managers)."""

from flask import Blueprint

bp = Blueprint("programmes", __name__, url_prefix="/programmes")
