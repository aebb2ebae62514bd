"""The applicant's inbox of invitations, matches for them, and their personal data."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.applicants import services
from app.applicants.forms import AnswerForm, DeleteAccountForm
from app.auth import role_required
from app.dbtypes import utcnow
from app.errors import DomainError
from app.extensions import db
from app.mail import send_mail
from app.matches.reasons import describe
from app.workflow import Role

bp = Blueprint("applicants", __name__, url_prefix="/me")


@bp.app_context_processor
def pending_invitations() -> dict:
    """The number shown beside "Invitations" in an applicant's navigation."""
    # Also runs for mail rendered outside a request, where there is no current user.
    if getattr(current_user, "is_authenticated", False) and current_user.role == Role.APPLICANT:
        return {"pending_invitations": services.count_pending_invitations(current_user)}
    return {}


@bp.route("/for-you")
@role_required(Role.APPLICANT)
def for_you():
    return render_template(
        "applicants/for_you.html", found=services.recommend(current_user), describe=describe
    )


@bp.route("/invitations")
@role_required(Role.APPLICANT)
def invitations():
    return render_template(
        "applicants/invitations.html", invitations=services.list_invitations(current_user), form=AnswerForm()
    )


@bp.route("/invitations/<int:invitation_id>", methods=["POST"])
@role_required(Role.APPLICANT)
def answer(invitation_id: int):
    invitation = services.get_own_invitation(current_user, invitation_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(" ".join(form.message.errors) or _("The form has expired; please try again."), "error")
        return redirect(url_for("applicants.invitations"))
    accept = bool(form.accept.data)
    try:
        services.answer_invitation(current_user, invitation, accept=accept, message=form.message.data or "")
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("applicants.invitations"))
    db.session.commit()
    if invitation.sender is not None:
        send_mail(
            invitation.sender.email,
            "invitation_answered",
            invitation.sender.locale,
            invitation=invitation,
            candidate=current_user.display_name,
            accepted=accept,
            link=url_for("main.home", _external=True),
        )
    flash(
        _("You accepted the invitation; you can now contact each other.")
        if accept
        else _("You declined the invitation."),
        "success",
    )
    return redirect(url_for("applicants.invitations"))


@bp.route("/data")
@role_required(Role.APPLICANT)
def privacy():
    return render_template("applicants/privacy.html", form=DeleteAccountForm())


@bp.route("/data/export")
@role_required(Role.APPLICANT)
def export():
    body = json.dumps(services.export_data(current_user), ensure_ascii=False, indent=2)
    filename = f"ipbridge-my-data-{utcnow():%Y-%m-%d}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/data/delete", methods=["POST"])
@role_required(Role.APPLICANT)
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data)
        except DomainError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            logout_user()
            flash(_("Your account and your personal data have been deleted."), "success")
            return redirect(url_for("main.home"))
    return render_template("applicants/privacy.html", form=form), 422
