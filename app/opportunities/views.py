"""The applicant's own service-trade opportunities: list, create, edit, publish, close, reopen."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import role_required
from app.dbtypes import utcnow
from app.errors import DomainError, PermissionDeniedError
from app.extensions import db
from app.forms import ConfirmForm, choices, confirmed_action, enum_choices
from app.institutions.forms import jurisdiction_choices, jurisdiction_name
from app.opportunities import forms, services
from app.taxonomy import SERVICE_TITLES, Service
from app.textlang import language_choices
from app.workflow import Role

bp = Blueprint("opportunities", __name__, url_prefix="/me/opportunities")

FIELDS = ("direction", "service", "fields", "jurisdictions", "title", "description", "lang", "deadline")


def _today():
    return utcnow().date()


def _own_or_404(opportunity_id: int):
    opportunity = services.get_own_opportunity(current_user, opportunity_id)
    if opportunity is None:
        abort(404)
    return opportunity


@bp.route("/")
@role_required(Role.APPLICANT)
def mine():
    opportunities = services.list_opportunities_of(current_user, _today())
    db.session.commit()  # the ones that expired just now
    return render_template(
        "opportunities/mine.html",
        opportunities=opportunities,
        can_post=services.can_post(current_user),
        confirm=ConfirmForm(),
        jurisdiction_name=jurisdiction_name,
    )


def _prepare(form) -> None:
    form.service.choices = choices([("", _("Choose…"))]) + enum_choices(Service, SERVICE_TITLES)
    form.jurisdictions.choices = jurisdiction_choices()
    form.lang.choices = language_choices(detect=True)
    form.currency.choices = forms.currency_choices()


def _values(form) -> dict:
    values = {name: form[name].data for name in FIELDS}
    values["title"] = values["title"].strip()
    values["budget_amount"] = form.budget_amount.data
    values["currency"] = form.currency.data or None
    return values


def _save(form, opportunity=None):
    """Validate and save the form; the page again with the messages (422) when something is wrong."""
    _prepare(form)
    if form.validate_on_submit():
        try:
            services.save_opportunity(current_user, _values(form), _today(), opportunity)
        except PermissionDeniedError:
            raise
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Saved. Publish the opportunity when it is ready."), "success")
            return redirect(url_for("opportunities.mine"))
    failed = request.method == "POST"
    page = render_template("opportunities/form.html", form=form, opportunity=opportunity)
    return page, 422 if failed else 200


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def create():
    if not services.can_post(current_user):
        raise PermissionDeniedError(_("Only approved professionals and institutions can post opportunities."))
    form = forms.OpportunityForm()
    if request.method == "GET":
        form.direction.data = "offer"
        form.lang.data = "auto"
    return _save(form)


@bp.route("/<int:opportunity_id>/edit", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def edit(opportunity_id: int):
    opportunity = _own_or_404(opportunity_id)
    form = forms.OpportunityForm(obj=opportunity if request.method == "GET" else None)
    return _save(form, opportunity)


def _act(opportunity_id: int, action, done_message: str):
    opportunity = _own_or_404(opportunity_id)
    return confirmed_action(lambda: action(opportunity), done_message, url_for("opportunities.mine"))


@bp.route("/<int:opportunity_id>/publish", methods=["POST"])
@role_required(Role.APPLICANT)
def publish(opportunity_id: int):
    return _act(
        opportunity_id,
        lambda o: services.publish_opportunity(current_user, o, _today()),
        _("The opportunity is open."),
    )


@bp.route("/<int:opportunity_id>/close", methods=["POST"])
@role_required(Role.APPLICANT)
def close(opportunity_id: int):
    return _act(
        opportunity_id,
        lambda o: services.close_opportunity(current_user, o),
        _("The opportunity is closed."),
    )


@bp.route("/<int:opportunity_id>/reopen", methods=["POST"])
@role_required(Role.APPLICANT)
def reopen(opportunity_id: int):
    return _act(
        opportunity_id,
        lambda o: services.reopen_opportunity(current_user, o, _today()),
        _("The opportunity is open again."),
    )
