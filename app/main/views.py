"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from app.auth import public
from app.main.services import (
    check_database,
    get_platform_counts,
    list_zones_with_open_needs,
    read_index_status,
)

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home():
    return render_template("main/home.html", counts=get_platform_counts(), zones=list_zones_with_open_needs())


@bp.route("/healthz")
@public
def healthz():
    database = check_database()
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "index": read_index_status(current_app.config["MATCHING_INDEX_DIR"]),
    }
    return jsonify(body), 200 if database == "ok" else 503
