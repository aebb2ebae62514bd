"""The applicant's own application: a guided form in sections, preview, submit, withdraw."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import ApplicantKind
from app.auth import role_required
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm, choices, confirmed_action, next_section_url
from app.locale import sorted_countries
from app.profiles import forms, services
from app.profiles.models import ProfessionalProfile
from app.taxonomy import QUALIFICATIONS
from app.textlang import language_choices
from app.workflow import Role

bp = Blueprint("profiles", __name__, url_prefix="/me")

SECTION_FORMS = {
    "basics": forms.BasicsForm,
    "expertise": forms.ExpertiseForm,
    "qualifications": forms.QualificationsForm,
    "languages": forms.LanguagesForm,
    "engagement": forms.EngagementForm,
}


@bp.route("/")
@role_required(Role.APPLICANT)
def mine():
    if current_user.applicant_kind == ApplicantKind.INSTITUTION or current_user.institution is not None:
        return redirect(url_for("institutions.mine"))
    profile = services.get_profile_of(current_user)
    return render_template(
        "profiles/mine.html",
        profile=profile,
        sections=services.SECTIONS,
        missing=services.missing_sections(profile),
        progress=services.progress_percent(profile),
        confirm=ConfirmForm(),
    )


def _prepare(form, section: str) -> None:
    """Fill the choices that depend on the reader's locale."""
    if section == "basics":
        form.lang.choices = language_choices(detect=True)
        form.country.choices = choices([("", _("Choose a country")), *sorted_countries()])
    elif section == "qualifications":
        options = [("", _("Choose…"))] + [
            (code, f"{kind.title} ({kind.jurisdiction})") for code, kind in QUALIFICATIONS.items()
        ]
        for entry in form.entries:
            entry.qualification.choices = choices(options)
    elif section == "languages":
        for entry in form.entries:
            entry.code.choices = choices([("", _("Choose…"))]) + language_choices()


def _load(form, section: str, profile: ProfessionalProfile | None) -> None:
    """Put the saved values into a freshly shown form, plus an empty row to add one more."""
    if profile is None:
        return
    if section == "qualifications":
        rows = [{"qualification": str(q.type), "number": q.number} for q in profile.qualifications]
        _fill_rows(form.entries, rows)
    elif section == "languages":
        _fill_rows(form.entries, profile.languages)
    else:
        form.process(obj=profile)


def _fill_rows(field_list, rows: list[dict]) -> None:
    while field_list.entries:
        field_list.pop_entry()
    for row in [*rows, {}]:
        field_list.append_entry(row)


def _values(form, section: str) -> dict:
    if section == "qualifications":
        return {
            "qualifications": [
                (e.qualification.data, e.number.data) for e in form.entries if e.qualification.data
            ]
        }
    if section == "languages":
        return {
            "languages": [
                {"code": e.code.data, "level": e.level.data or "B2"} for e in form.entries if e.code.data
            ]
        }
    return {name: field.data for name, field in form._fields.items() if name not in ("submit", "csrf_token")}


@bp.route("/profile/<section>", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def edit(section: str):
    if section not in SECTION_FORMS:
        abort(404)
    profile = services.get_profile_of(current_user)
    form = SECTION_FORMS[section]()
    if request.method == "GET":
        _load(form, section, profile)
    _prepare(form, section)
    if form.validate_on_submit():
        try:
            services.save_section(current_user, section, _values(form, section))
        except DomainError as error:
            flash(str(error), "error")
            return _render_section(form, section, profile), 422
        db.session.commit()
        flash(_("Saved as a draft."), "success")
        return redirect(
            next_section_url("profiles.edit", services.SECTION_KEYS, section, url_for("profiles.mine"))
        )
    return _render_section(form, section, profile), 422 if form.errors else 200


def _render_section(form, section: str, profile):
    return render_template(
        "profiles/section.html",
        form=form,
        section=section,
        sections=services.SECTIONS,
        profile=profile,
        progress=services.progress_percent(profile),
        missing=services.missing_sections(profile),
    )


@bp.route("/profile/preview")
@role_required(Role.APPLICANT)
def preview():
    profile = services.get_profile_of(current_user)
    if profile is None:
        return redirect(url_for("profiles.edit", section="basics"))
    return render_template("profiles/preview.html", profile=profile)


def _act(action, done_message: str):
    return confirmed_action(lambda: action(current_user), done_message, url_for("profiles.mine"))


@bp.route("/profile/submit", methods=["POST"])
@role_required(Role.APPLICANT)
def submit():
    return _act(services.submit_profile, _("Your application has been submitted for review."))


@bp.route("/profile/withdraw", methods=["POST"])
@role_required(Role.APPLICANT)
def withdraw():
    return _act(services.withdraw_profile, _("Your application has been withdrawn."))


@bp.route("/profile/restore", methods=["POST"])
@role_required(Role.APPLICANT)
def restore():
    return _act(services.restore_profile, _("Your application is a draft again."))
