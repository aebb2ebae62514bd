"""The applicant's own application."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from app.auth import role_required
from app.profiles.services import get_profile_of
from app.workflow import Role

bp = Blueprint("profiles", __name__, url_prefix="/me")


@bp.route("/")
@role_required(Role.APPLICANT)
def mine():
    return render_template(
        "profiles/mine.html", profile=get_profile_of(current_user), institution=current_user.institution
    )
