"""The recruiter's view of their zone: the zone's needs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import role_required
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm
from app.labels import label
from app.matches.documents import CANDIDATE_KINDS
from app.workflow import Role
from app.zones import services
from app.zones.forms import NeedForm
from app.zones.models import ZoneNeed

bp = Blueprint("zones", __name__, url_prefix="/zone")

NEED_FIELDS = (
    "kind",
    "title",
    "description",
    "lang",
    "services",
    "fields",
    "required_qualifications",
    "min_experience",
    "openings",
    "deadline",
)


def me():
    """The signed-in user itself (services get the model, not the proxy)."""
    return current_user._get_current_object()


def own_need_or_404(need_id: int) -> ZoneNeed:
    need = services.get_need_of_zone(current_user, need_id)
    if need is None:
        abort(404)
    return need


def _need_input(form: NeedForm) -> services.NeedInput:
    return services.NeedInput(
        kind=form.kind.data,
        title=form.title.data,
        description=form.description.data,
        lang=form.lang.data,
        required_languages=form.language_requirements(),
        services=list(form.services.data or []),
        fields=list(form.fields.data or []),
        required_qualifications=list(form.required_qualifications.data or []),
        min_experience=form.min_experience.data or 0,
        openings=form.openings.data,
        deadline=form.deadline.data,
    )


@bp.route("/needs")
@role_required(Role.RECRUITER)
def needs():
    page = request.args.get("page", 1, type=int)
    return render_template(
        "zones/needs.html",
        zone=current_user.zone,
        needs=services.list_needs_of_zone(current_user.zone_id, page),
    )


@bp.route("/needs/new", methods=["GET", "POST"])
@role_required(Role.RECRUITER)
def new_need():
    form = NeedForm()
    if form.validate_on_submit():
        need = services.create_need(me(), _need_input(form), publish=form.publish.data)
        db.session.commit()
        flash(_("The need is saved.") if not form.publish.data else _("The need is published."), "success")
        return redirect(url_for("zones.need", need_id=need.id))
    return render_template("zones/need_form.html", form=form, need=None), 422 if form.errors else 200


@bp.route("/needs/<int:need_id>")
@role_required(Role.RECRUITER)
def need(need_id: int):
    need = own_need_or_404(need_id)
    return render_template(
        "zones/need.html",
        need=need,
        actions=services.need_actions(need),
        action_form=ConfirmForm(),
        candidate_kinds=CANDIDATE_KINDS[need.kind],
    )


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@role_required(Role.RECRUITER)
def edit_need(need_id: int):
    need = own_need_or_404(need_id)
    data = None
    if request.method == "GET":
        data = {name: getattr(need, name) for name in NEED_FIELDS} | {
            "required_languages": need.required_languages
        }
    form = NeedForm(data=data, previous_deadline=need.deadline)
    if form.validate_on_submit():
        try:
            services.update_need(need, me(), _need_input(form))
        except DomainError as error:
            db.session.rollback()
            form.kind.errors.append(str(error))
            return render_template("zones/need_form.html", form=form, need=need), 422
        db.session.commit()
        flash(_("The need is saved."), "success")
        return redirect(url_for("zones.need", need_id=need.id))
    return render_template("zones/need_form.html", form=form, need=need), 422 if form.errors else 200


@bp.route("/needs/<int:need_id>/status", methods=["POST"])
@role_required(Role.RECRUITER)
def change_status(need_id: int):
    need = own_need_or_404(need_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.change_need_status(need, me(), request.form.get("action", ""))
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The need is now “%(status)s”.", status=label("status", need.status)), "success")
    return redirect(url_for("zones.need", need_id=need_id))
