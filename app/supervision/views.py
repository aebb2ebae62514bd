"""The officer console."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from app.auth import role_required
from app.profiles.services import list_review_queue
from app.supervision.services import list_audit_events
from app.workflow import Role

bp = Blueprint("supervision", __name__, url_prefix="/officer")
OFFICERS = (Role.OFFICER, Role.ADMIN)


@bp.route("/queue")
@role_required(*OFFICERS)
def queue():
    return render_template("supervision/queue.html", applications=list_review_queue())


@bp.route("/audit")
@role_required(*OFFICERS)
def audit_log():
    page = request.args.get("page", 1, type=int)
    return render_template("supervision/audit.html", events=list_audit_events(page))
