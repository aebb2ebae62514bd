"""The institution's application: guided sections, preview, submit, withdraw, representatives."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import services as accounts
from app.accounts.models import ApplicantKind
from app.auth import public, role_required
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm, choices, confirmed_action, next_section_url
from app.institutions import forms, services
from app.locale import current_locale, locale_name, sorted_countries, supported_locales
from app.mail import send_mail
from app.profiles.models import Institution
from app.textlang import language_choices
from app.workflow import Role

bp = Blueprint("institutions", __name__, url_prefix="/me/institution")

SECTION_FORMS = {
    "organisation": forms.OrganisationForm,
    "activity": forms.ActivityForm,
    "description": forms.DescriptionForm,
    "zones": forms.ZonesForm,
    "contact": forms.ContactForm,
}


def _helpers() -> dict:
    """Names the institution templates use beyond the global ones."""
    return {"jurisdiction_name": forms.jurisdiction_name, "size_titles": forms.SIZE_TITLES}


@bp.route("/")
@role_required(Role.APPLICANT)
def mine():
    institution = services.get_institution_of(current_user)
    return render_template(
        "institutions/mine.html",
        institution=institution,
        sections=services.SECTIONS,
        missing=services.missing_sections(institution),
        progress=services.progress_percent(institution),
        confirm=ConfirmForm(),
        **_helpers(),
    )


def _prepare(form, section: str) -> None:
    """Fill the choices that depend on the reader's locale (and on the zones that exist)."""
    if section == "organisation":
        form.country.choices = choices([("", _("Choose a country")), *sorted_countries()])
        form.type.choices = forms.type_choices()
        form.size.choices = forms.size_choices()
        form.intent.choices = forms.intent_choices()
        for entry in form.other_names:
            entry.locale.choices = forms.name_language_choices(supported_locales(), locale_name)
    elif section == "activity":
        form.jurisdictions.choices = forms.jurisdiction_choices()
        form.languages.choices = forms.iso_language_choices()
    elif section == "description":
        form.lang.choices = language_choices(detect=True)
    elif section == "zones":
        locale = str(current_locale())
        form.target_zones.choices = choices((zone.id, zone.name_in(locale)) for zone in services.list_zones())


def _load(form, section: str, institution: Institution | None) -> None:
    """Put the saved values into a freshly shown form (with an empty row to add another name)."""
    if institution is not None and section == "zones":
        form.target_zones.data = [str(zone.id) for zone in institution.target_zones]
    elif institution is not None:
        form.process(obj=institution)
    if section == "contact" and not form.contact_email.data:  # most often the representative
        form.contact_name.data = current_user.display_name
        form.contact_email.data = current_user.email
    if institution is None:
        return
    if section == "organisation":
        while form.other_names.entries:
            form.other_names.pop_entry()
        for locale, name in [*institution.names.items(), ("", "")]:
            form.other_names.append_entry({"locale": locale, "name": name})
    elif section == "description" and not institution.description:
        form.lang.data = "auto"


def _values(form, section: str) -> dict:
    if section == "organisation":
        return {
            "legal_name": form.legal_name.data.strip(),
            "names": {
                e.form.locale.data: e.form.name.data.strip() for e in form.other_names if e.form.locale.data
            },
            "country": form.country.data,
            "type": form.type.data,
            "registration_number": form.registration_number.data.strip(),
            "size": form.size.data or None,
            "website": form.website.data or None,
            "intent": form.intent.data,
        }
    if section == "zones":
        return {"target_zones": [int(value) for value in form.target_zones.data]}
    values = {
        name: field.data for name, field in form._fields.items() if name not in ("submit", "csrf_token")
    }
    if section == "contact":
        values["contact_phone"] = values["contact_phone"] or None
    return values


@bp.route("/<section>", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def edit(section: str):
    if section not in SECTION_FORMS:
        abort(404)
    institution = services.get_institution_of(current_user)
    form = SECTION_FORMS[section]()
    if request.method == "GET":
        _load(form, section, institution)
    _prepare(form, section)
    if form.validate_on_submit():
        try:
            services.save_section(current_user, section, _values(form, section))
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
            return _render_section(form, section, services.get_institution_of(current_user)), 422
        db.session.commit()
        flash(_("Saved as a draft."), "success")
        return redirect(
            next_section_url(
                "institutions.edit", services.SECTION_KEYS, section, url_for("institutions.mine")
            )
        )
    return _render_section(form, section, institution), 422 if form.errors else 200


def _render_section(form, section: str, institution):
    return render_template(
        "institutions/section.html",
        form=form,
        section=section,
        sections=services.SECTIONS,
        institution=institution,
        progress=services.progress_percent(institution),
        missing=services.missing_sections(institution),
    )


@bp.route("/preview")
@role_required(Role.APPLICANT)
def preview():
    institution = services.get_institution_of(current_user)
    if institution is None:
        return redirect(url_for("institutions.edit", section="organisation"))
    return render_template("institutions/preview.html", institution=institution, **_helpers())


def _act(action, done_message: str, done_endpoint: str = "institutions.mine"):
    return confirmed_action(lambda: action(current_user), done_message, url_for(done_endpoint))


@bp.route("/submit", methods=["POST"])
@role_required(Role.APPLICANT)
def submit():
    return _act(services.submit_institution, _("Your application has been submitted for review."))


@bp.route("/withdraw", methods=["POST"])
@role_required(Role.APPLICANT)
def withdraw():
    return _act(services.withdraw_institution, _("Your application has been withdrawn."))


@bp.route("/restore", methods=["POST"])
@role_required(Role.APPLICANT)
def restore():
    return _act(services.restore_institution, _("Your application is a draft again."))


# --- representatives ---------------------------------------------------------------------------------


def _render_representatives(form, status: int = 200):
    institution = services.get_institution_of(current_user)
    if institution is None:
        return redirect(url_for("institutions.edit", section="organisation"))
    page = render_template(
        "institutions/representatives.html",
        institution=institution,
        form=form,
        confirm=ConfirmForm(),
        max_age_days=services.INVITATION_MAX_AGE.days,
    )
    return page, status


@bp.route("/representatives", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def representatives():
    form = forms.InviteForm()
    if not form.validate_on_submit():
        return _render_representatives(form, 422 if form.errors else 200)
    try:
        invitation = services.invite_representative(current_user, form.email.data)
    except DomainError as error:
        form.email.errors.append(str(error))
        return _render_representatives(form, 422)
    db.session.commit()
    send_mail(
        invitation.email,
        "institution_invitation",
        invitation.locale,
        inviter=current_user,
        institution=current_user.institution,
        link=url_for("institutions.join", token=invitation.token, _external=True),
        days=services.INVITATION_MAX_AGE.days,
    )
    flash(_("We have sent an invitation to %(email)s.", email=invitation.email), "success")
    return redirect(url_for("institutions.representatives"))


@bp.route("/representatives/<int:user_id>/remove", methods=["POST"])
@role_required(Role.APPLICANT)
def remove_representative(user_id: int):
    member = services.get_representative(current_user, user_id)
    if member is None:
        abort(404)
    leaving = member.id == current_user.id
    done = _("You no longer represent this institution.") if leaving else _("The representative was removed.")
    endpoint = "institutions.mine" if leaving else "institutions.representatives"
    return _act(lambda user: services.remove_representative(user, member), done, endpoint)


@bp.route("/join/<token>", methods=["GET", "POST"])
@public
def join(token: str):
    """The link of an invitation: join when signed in, sign in, or register and join on verification."""
    try:
        invitation = services.read_invitation(token)
    except accounts.TokenError as error:
        flash(str(error), "error")
        return redirect(url_for("main.home"))
    if current_user.is_authenticated:
        return _join_signed_in(token)
    if accounts.get_user_by_email(invitation.email) is not None:
        flash(_("Sign in to join %(name)s.", name=invitation.institution.legal_name), "info")
        return redirect(url_for("accounts.login", next=request.path))
    return _register_and_join(token, invitation)


def _join_signed_in(token: str):
    try:
        institution = services.accept_invitation(current_user, token)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("main.home"))
    db.session.commit()
    flash(_("You now represent %(name)s.", name=institution.legal_name), "success")
    return redirect(url_for("institutions.mine"))


def _register_and_join(token: str, invitation: services.Invitation):
    form = forms.JoinRegistrationForm()
    form.locale.choices = choices((code, locale_name(code)) for code in supported_locales())
    if request.method == "GET":
        form.locale.data = str(current_locale())
    if form.validate_on_submit():
        registration = accounts.Registration(
            email=invitation.email,
            password=form.password.data,
            display_name=form.display_name.data,
            applicant_kind=ApplicantKind.INSTITUTION,
            locale=form.locale.data,
        )
        try:
            user, _existing = accounts.register(registration)
        except DomainError as error:
            form.password.errors.append(str(error))
            return render_template("institutions/join_register.html", form=form, invitation=invitation), 422
        if user is None:  # registered meanwhile, through another tab
            return redirect(url_for("accounts.login", next=request.path))
        db.session.commit()
        link = url_for(
            "institutions.welcome",
            token=accounts.make_verification_token(user),
            invitation=token,
            _external=True,
        )
        send_mail(user.email, "verify_email", user.locale, user=user, link=link)
        return render_template("accounts/check_inbox.html", email=user.email)
    status = 422 if form.errors else 200
    return render_template("institutions/join_register.html", form=form, invitation=invitation), status


@bp.route("/welcome/<token>")
@public
def welcome(token: str):
    """The verification link of a colleague who registered through an invitation: verify, then join."""
    try:
        user = accounts.verify_email(token)
    except accounts.TokenError as error:
        flash(str(error), "error")
        return redirect(url_for("accounts.resend"))
    db.session.commit()
    try:
        institution = services.accept_invitation(user, request.args.get("invitation", ""))
    except DomainError as error:
        db.session.rollback()
        flash(_("Your email address is confirmed. You can sign in now."), "success")
        flash(str(error), "error")
        return redirect(url_for("accounts.login"))
    db.session.commit()
    flash(
        _(
            "Your email address is confirmed and you now represent %(name)s. You can sign in now.",
            name=institution.legal_name,
        ),
        "success",
    )
    return redirect(url_for("accounts.login"))
