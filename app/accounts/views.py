"""Registration, email verification, password reset, sign-in and sign-out.

The administrators' user list lives with the other administration pages (``app/supervision/admin_views.py``).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts import services
from app.accounts.forms import EmailForm, LoginForm, LogoutForm, NewPasswordForm, RegistrationForm
from app.accounts.models import ApplicantKind
from app.auth import public, role_required, safe_next
from app.errors import DomainError
from app.extensions import db
from app.forms import choices
from app.locale import current_locale, locale_name, supported_locales
from app.mail import send_mail
from app.workflow import Role

bp = Blueprint("accounts", __name__)


def _send_verification(user) -> None:
    link = url_for("accounts.verify", token=services.make_verification_token(user), _external=True)
    send_mail(user.email, "verify_email", user.locale, user=user, link=link)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        except services.TooManyAttemptsError as error:
            flash(str(error), "error")
            return render_template("accounts/login.html", form=form), 429
        db.session.commit()  # the attempt is kept for rate limiting, whatever its outcome
        if user is None:
            flash(_("Email or password is not correct."), "error")
        elif user.email_verified_at is None:
            _send_verification(user)
            flash(_("Please confirm your email address first: we have sent you a new link."), "info")
        else:
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@role_required(*Role)
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You have signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegistrationForm()
    form.locale.choices = choices((code, locale_name(code)) for code in supported_locales())
    if request.method == "GET":
        form.locale.data = str(current_locale())
    if form.validate_on_submit():
        registration = services.Registration(
            email=form.email.data,
            password=form.password.data,
            display_name=form.display_name.data,
            applicant_kind=ApplicantKind(form.applicant_kind.data),
            locale=form.locale.data,
        )
        try:
            user, existing = services.register(registration)
        except DomainError as error:
            form.password.errors.append(str(error))
            return render_template("accounts/register.html", form=form), 422
        db.session.commit()
        if user is not None:
            _send_verification(user)
        else:
            send_mail(
                existing.email,
                "already_registered",
                existing.locale,
                user=existing,
                link=url_for("accounts.reset_request", _external=True),
            )
        return render_template("accounts/check_inbox.html", email=form.email.data)
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.route("/verify/<token>")
@public
def verify(token: str):
    try:
        services.verify_email(token)
    except services.TokenError as error:
        flash(str(error), "error")
        return redirect(url_for("accounts.resend"))
    db.session.commit()
    flash(_("Your email address is confirmed. You can sign in now."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/verify", methods=["GET", "POST"])
@public
def resend():
    form = EmailForm()
    if form.validate_on_submit():
        user = services.get_user_by_email(form.email.data)
        if user is not None and user.email_verified_at is None:
            _send_verification(user)
        return render_template("accounts/check_inbox.html", email=form.email.data)
    return render_template("accounts/email_form.html", form=form, title=_("Send a new confirmation link"))


@bp.route("/reset", methods=["GET", "POST"])
@public
def reset_request():
    form = EmailForm()
    if form.validate_on_submit():
        user = services.get_user_by_email(form.email.data)
        if user is not None and user.is_active:
            link = url_for("accounts.reset", token=services.make_reset_token(user), _external=True)
            send_mail(user.email, "reset_password", user.locale, user=user, link=link)
        return render_template("accounts/check_inbox.html", email=form.email.data)
    return render_template("accounts/email_form.html", form=form, title=_("Reset your password"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset(token: str):
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.TokenError as error:
            flash(str(error), "error")
            return redirect(url_for("accounts.reset_request"))
        except DomainError as error:
            form.password.errors.append(str(error))
            return render_template("accounts/new_password.html", form=form), 422
        db.session.commit()
        flash(_("Your password has been changed. You can sign in now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/new_password.html", form=form)


@bp.route("/privacy")
@public
def privacy():
    return render_template("accounts/privacy.html", version=services.PRIVACY_NOTICE_VERSION)
