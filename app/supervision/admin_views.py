"""Administration pages: user accounts and roles, zones. Administrators only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.auth import role_required
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm, choices
from app.labels import label
from app.locale import current_locale, locale_name, supported_locales
from app.mail import send_mail
from app.supervision import admin_services as services
from app.supervision.forms import NewUserForm, UserForm, zone_form
from app.textlang import language_choices
from app.workflow import Role
from app.zones.models import Zone

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _zone_choices(form) -> None:
    locale = str(current_locale())
    form.zone_id.choices = choices(
        [("", _("No zone")), *((z.id, z.name_in(locale)) for z in services.list_zones())]
    )


def _change(form) -> services.UserChange:
    return services.UserChange(
        display_name=form.display_name.data,
        role=Role(form.role.data),
        zone_id=int(form.zone_id.data) if form.zone_id.data else None,
        is_active=form.is_active.data,
    )


# --- users -----------------------------------------------------------------------------------------


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    page = request.args.get("page", 1, type=int)
    role = request.args.get("role") if request.args.get("role") in Role._value2member_map_ else None
    query = (request.args.get("q") or "")[:254]
    return render_template(
        "supervision/admin/users.html",
        users=services.list_users(page, role, query),
        role=role,
        q=query,
        roles=[(r.value, label("role", r)) for r in Role],
    )


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    form = NewUserForm(is_active=True, role=Role.OFFICER.value)
    _zone_choices(form)
    form.locale.choices = choices((code, locale_name(code)) for code in supported_locales())
    if form.validate_on_submit():
        try:
            user = services.create_user(form.email.data, form.locale.data, _change(form), current_user)
        except DomainError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
            return render_template("supervision/admin/user_form.html", form=form, user=None), 422
        db.session.commit()
        from app.accounts.services import make_reset_token

        link = url_for("accounts.reset", token=make_reset_token(user), _external=True)
        send_mail(
            user.email, "account_created", user.locale, user=user, link=link, role=label("role", user.role)
        )
        flash(_("The account is created; its owner has a mail to choose a password."), "success")
        return redirect(url_for(".users"))
    return render_template(
        "supervision/admin/user_form.html", form=form, user=None
    ), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user)
    _zone_choices(form)
    if request.method == "GET":
        form.zone_id.data = str(user.zone_id or "")
    if form.validate_on_submit():
        try:
            services.update_user(user, _change(form), current_user)
        except DomainError as error:
            db.session.rollback()
            form.role.errors.append(str(error))
            return render_template("supervision/admin/user_form.html", form=form, user=user), 422
        db.session.commit()
        flash(_("The account is saved."), "success")
        return redirect(url_for(".users"))
    return render_template(
        "supervision/admin/user_form.html", form=form, user=user
    ), 422 if form.errors else 200


# --- zones -----------------------------------------------------------------------------------------


@bp.route("/zones")
@role_required(Role.ADMIN)
def zones():
    rows = [(zone, services.zone_usage(zone)) for zone in services.list_zones()]
    return render_template("supervision/admin/zones.html", rows=rows, delete_form=ConfirmForm())


def _zone_form(zone: Zone | None = None):
    locales = supported_locales()
    form = zone_form(locales, locale_name, obj=zone)
    form.lang.choices = language_choices()
    if zone is not None and request.method == "GET":
        for code in locales:
            getattr(form, f"name_{code}").data = zone.names.get(code, "")
    return form, locales


def _zone_data(form, locales) -> services.ZoneData:
    return services.ZoneData(
        code=form.code.data,
        names={code: getattr(form, f"name_{code}").data for code in locales},
        level=form.level.data,
        region=form.region.data,
        city=form.city.data,
        clusters=form.clusters.data or [],
        description=form.description.data or "",
        lang=form.lang.data,
    )


def _save_zone(zone: Zone | None):
    form, locales = _zone_form(zone)
    if form.validate_on_submit():
        try:
            if zone is None:
                services.create_zone(_zone_data(form, locales), current_user)
            else:
                services.update_zone(zone, _zone_data(form, locales), current_user)
        except DomainError as error:
            db.session.rollback()
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The zone is saved."), "success")
            return redirect(url_for(".zones"))
    page = render_template("supervision/admin/zone_form.html", form=form, zone=zone, locales=locales)
    return page, 422 if form.errors else 200


@bp.route("/zones/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_zone():
    return _save_zone(None)


@bp.route("/zones/<int:zone_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_zone(zone_id: int):
    return _save_zone(db.session.get(Zone, zone_id) or abort(404))


@bp.route("/zones/<int:zone_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def delete_zone(zone_id: int):
    zone = db.session.get(Zone, zone_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.delete_zone(zone, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".zones"))
        db.session.commit()
        flash(_("The zone is deleted."), "success")
    return redirect(url_for(".zones"))
