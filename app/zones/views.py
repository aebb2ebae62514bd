"""The recruiter's view of their zone."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.auth import role_required
from app.workflow import Role
from app.zones.services import list_needs_of_zone

bp = Blueprint("zones", __name__, url_prefix="/zone")


@bp.route("/needs")
@role_required(Role.RECRUITER)
def needs():
    page = request.args.get("page", 1, type=int)
    return render_template(
        "zones/needs.html", zone=current_user.zone, needs=list_needs_of_zone(current_user.zone_id, page)
    )
