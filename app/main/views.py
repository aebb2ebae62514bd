"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user

from app.auth import public, safe_next
from app.extensions import db
from app.locale import LOCALE_PARAM, supported_locales
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


@bp.route("/language/<code>")
@public
def switch_language(code: str):
    """Switch the interface language and go back to the page the reader was on.

    The choice is kept in the session and, for a signed-in user, saved for their mail too.
    """
    if code not in supported_locales():
        abort(404)
    session[LOCALE_PARAM] = code
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.commit()
    return redirect(safe_next(request.args.get("next")))
