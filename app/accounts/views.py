"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts.forms import LoginForm, LogoutForm
from app.accounts.services import authenticate, list_users
from app.auth import public, role_required
from app.extensions import db
from app.workflow import Role

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Email or password is not correct."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@role_required(*Role)
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You have signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/admin/users")
@role_required(Role.ADMIN)
def users():
    page = request.args.get("page", 1, type=int)
    return render_template("accounts/users.html", users=list_users(page))
