"""The officer console: review queue, blacklist and screening, match review, audit log, dashboard."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_timezone, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth import role_required
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm, choices
from app.labels import label
from app.locale import country_name, current_locale, language_name, sorted_countries, text_direction
from app.matches.models import Match
from app.profiles.models import Qualification
from app.supervision import charts, checks, services
from app.supervision.dashboard import build_dashboard
from app.supervision.forms import (
    AuditFilterForm,
    BlacklistEntryForm,
    BlacklistImportForm,
    CommentForm,
    DecisionForm,
    MatchDecisionForm,
    VerifyForm,
)
from app.supervision.models import (
    HIT_STATUS_TITLES,
    REVIEW_REASON_TITLES,
    BlacklistEntry,
    Decision,
    HitStatus,
    ReviewTarget,
    ScreeningHit,
)
from app.workflow import Role

bp = Blueprint("supervision", __name__, url_prefix="/officer")
OFFICERS = (Role.OFFICER, Role.ADMIN)
TARGETS = "any(profile, institution)"


@bp.context_processor
def supervision_helpers() -> dict:
    from app.matches.reasons import describe

    return {
        "describe_reason": describe,
        "review_reason_title": lambda code: str(REVIEW_REASON_TITLES.get(code, code or "")),
        "hit_status_title": lambda code: str(HIT_STATUS_TITLES.get(code, code)),
        "duplicate_reason_title": lambda code: str(checks.DUPLICATE_REASON_TITLES.get(code, code)),
    }


def _flash_new_hits(hits) -> None:
    if hits:
        flash(
            ngettext(
                "%(num)d approved provider matches the blacklist: see the screening hits.",
                "%(num)d approved providers match the blacklist: see the screening hits.",
                len(hits),
            ),
            "error",
        )


# --- review queue and decisions --------------------------------------------------------------------


@bp.route("/queue")
@role_required(*OFFICERS)
def queue():
    return render_template("supervision/queue.html", items=services.list_queue_with_checks())


def _application_or_404(target: str, application_id: int):
    application = services.get_application(target, application_id)
    if application is None:
        abort(404)
    return application


def _render_application(application, form: DecisionForm, status: int = 200):
    if not form.version.data:  # a fresh form, or one reset after a refused stale decision
        form.version.data = str(application.version_id)
    target = checks.target_of(application)
    page = render_template(
        "supervision/application.html",
        application=application,
        target=target,
        result=checks.run_checks(application),
        reviews=services.list_reviews(target, application.id),
        form=form,
        verify_form=VerifyForm(),
    )
    return page, status


@bp.route(f"/applications/<{TARGETS}:target>/<int:application_id>")
@role_required(*OFFICERS)
def application(target: str, application_id: int):
    return _render_application(_application_or_404(target, application_id), DecisionForm())


@bp.route(f"/applications/<{TARGETS}:target>/<int:application_id>/decide", methods=["POST"])
@role_required(*OFFICERS)
def decide(target: str, application_id: int):
    application = _application_or_404(target, application_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_application(application, form, 422)
    try:
        services.decide_application(
            application,
            Decision(form.decision.data),
            form.reason.data,
            form.comment.data,
            current_user,
            expected_version=int(form.version.data),
        )
    except services.StaleDecisionError as error:
        db.session.rollback()
        flash(str(error), "error")
        fresh = _application_or_404(target, application_id)
        return _render_application(fresh, DecisionForm(formdata=None), 409)
    except DomainError as error:
        db.session.rollback()
        form.reason.errors.append(str(error))
        return _render_application(_application_or_404(target, application_id), form, 422)
    db.session.commit()
    sent = services.notify_decision(application)
    flash(_("The decision is recorded; %(num)d applicant notified by mail.", num=sent), "success")
    return redirect(url_for(".queue"))


@bp.route("/qualifications/<int:qualification_id>/verify", methods=["POST"])
@role_required(*OFFICERS)
def verify_qualification(qualification_id: int):
    qualification = db.session.get(Qualification, qualification_id)
    if qualification is None:
        abort(404)
    form = VerifyForm()
    if form.validate_on_submit():
        services.set_qualification_verified(qualification, form.verified.data == "1", current_user)
        db.session.commit()
        flash(
            _("The qualification is saved as verified.")
            if qualification.is_verified
            else _("The verification is withdrawn."),
            "success",
        )
    return redirect(
        url_for(".application", target=ReviewTarget.PROFILE.value, application_id=qualification.profile_id)
    )


# --- blacklist and screening -----------------------------------------------------------------------


def _entry_form(entry: BlacklistEntry | None = None) -> BlacklistEntryForm:
    form = BlacklistEntryForm(obj=entry)
    form.country.choices = choices([("", _("Any or unknown")), *sorted_countries()])
    return form


def _entry_data(form: BlacklistEntryForm) -> services.EntryData:
    return services.EntryData(
        form.name.data,
        form.registration_number.data,
        form.country.data,
        form.reason.data,
        form.source.data,
        form.listed_on.data,
    )


@bp.route("/blacklist")
@role_required(*OFFICERS)
def blacklist():
    page = request.args.get("page", 1, type=int)
    query = (request.args.get("q") or "")[:200]
    entries = services.list_blacklist(query, page)
    return render_template("supervision/blacklist.html", entries=entries, q=query, delete_form=ConfirmForm())


@bp.route("/blacklist/new", methods=["GET", "POST"])
@role_required(*OFFICERS)
def new_entry():
    form = _entry_form()
    if form.validate_on_submit():
        services.create_entry(_entry_data(form), current_user)
        hits = services.rescreen_approved_providers(current_user)
        db.session.commit()
        flash(_("The provider is on the blacklist."), "success")
        _flash_new_hits(hits)
        return redirect(url_for(".blacklist"))
    return render_template(
        "supervision/blacklist_form.html", form=form, entry=None
    ), 422 if form.errors else 200


@bp.route("/blacklist/<int:entry_id>/edit", methods=["GET", "POST"])
@role_required(*OFFICERS)
def edit_entry(entry_id: int):
    entry = db.session.get(BlacklistEntry, entry_id) or abort(404)
    form = _entry_form(entry)
    if form.validate_on_submit():
        services.update_entry(entry, _entry_data(form), current_user)
        hits = services.rescreen_approved_providers(current_user)
        db.session.commit()
        flash(_("The entry is saved."), "success")
        _flash_new_hits(hits)
        return redirect(url_for(".blacklist"))
    return render_template(
        "supervision/blacklist_form.html", form=form, entry=entry
    ), 422 if form.errors else 200


@bp.route("/blacklist/<int:entry_id>/delete", methods=["POST"])
@role_required(*OFFICERS)
def delete_entry(entry_id: int):
    entry = db.session.get(BlacklistEntry, entry_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        services.delete_entry(entry, current_user)
        services.rescreen_approved_providers(current_user)
        db.session.commit()
        flash(_("The entry is removed from the blacklist."), "success")
    return redirect(url_for(".blacklist"))


@bp.route("/blacklist/import", methods=["GET", "POST"])
@role_required(*OFFICERS)
def import_blacklist():
    form = BlacklistImportForm()
    if form.validate_on_submit():
        try:
            added, skipped = services.import_blacklist(form.file.data.read(), current_user)
        except services.BlacklistImportError as error:
            db.session.rollback()
            form.file.errors.append(str(error))
            return render_template("supervision/blacklist_import.html", form=form), 422
        hits = services.rescreen_approved_providers(current_user)
        db.session.commit()
        flash(
            ngettext(
                "%(num)d entry imported, %(skipped)d already listed.",
                "%(num)d entries imported, %(skipped)d already listed.",
                added,
                skipped=skipped,
            ),
            "success",
        )
        _flash_new_hits(hits)
        return redirect(url_for(".blacklist"))
    return render_template("supervision/blacklist_import.html", form=form), 422 if form.errors else 200


@bp.route("/screening-hits")
@role_required(*OFFICERS)
def hits():
    wanted = request.args.get("status", HitStatus.OPEN.value)
    status = HitStatus(wanted) if wanted in HitStatus._value2member_map_ else None
    return render_template(
        "supervision/hits.html", hits=services.list_hits(status), status=status, form=ConfirmForm()
    )


def _decide_hit(hit_id: int, suspend: bool):
    hit = db.session.get(ScreeningHit, hit_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.decide_hit(hit, suspend, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".hits"))
        db.session.commit()
        flash(_("The provider is suspended.") if suspend else _("The hit is dismissed."), "success")
    return redirect(url_for(".hits"))


@bp.route("/screening-hits/<int:hit_id>/suspend", methods=["POST"])
@role_required(*OFFICERS)
def suspend_from_hit(hit_id: int):
    return _decide_hit(hit_id, suspend=True)


@bp.route("/screening-hits/<int:hit_id>/dismiss", methods=["POST"])
@role_required(*OFFICERS)
def dismiss_hit(hit_id: int):
    return _decide_hit(hit_id, suspend=False)


# --- match review ----------------------------------------------------------------------------------


@bp.route("/matches")
@role_required(*OFFICERS)
def matches():
    page = request.args.get("page", 1, type=int)
    return render_template("supervision/matches.html", matches=services.list_matches_for_review(page))


def _render_match(match: Match, form: MatchDecisionForm, comment_form: CommentForm, status: int = 200):
    if not form.version.data:
        form.version.data = str(match.version_id)
    page = render_template(
        "supervision/match.html",
        match=match,
        form=form,
        comment_form=comment_form,
        comments=services.list_match_comments(match),
        reviews=services.list_reviews(ReviewTarget.MATCH, match.id),
    )
    return page, status


@bp.route("/matches/<int:match_id>")
@role_required(*OFFICERS)
def match(match_id: int):
    match = db.session.get(Match, match_id) or abort(404)
    return _render_match(match, MatchDecisionForm(), CommentForm(formdata=None))


@bp.route("/matches/<int:match_id>/decide", methods=["POST"])
@role_required(*OFFICERS)
def decide_match(match_id: int):
    match = db.session.get(Match, match_id) or abort(404)
    form = MatchDecisionForm()
    if not form.validate_on_submit():
        return _render_match(match, form, CommentForm(formdata=None), 422)
    try:
        services.decide_match(
            match,
            Decision(form.decision.data),
            form.comment.data,
            current_user,
            expected_version=int(form.version.data),
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        fresh = db.session.get(Match, match_id) or abort(404)
        return _render_match(fresh, MatchDecisionForm(formdata=None), CommentForm(formdata=None), 409)
    db.session.commit()
    flash(_("The decision on the match is recorded."), "success")
    return redirect(url_for(".matches"))


@bp.route("/matches/<int:match_id>/comments", methods=["POST"])
@role_required(*OFFICERS)
def comment_match(match_id: int):
    match = db.session.get(Match, match_id) or abort(404)
    comment_form = CommentForm()
    if not comment_form.validate_on_submit():
        return _render_match(match, MatchDecisionForm(formdata=None), comment_form, 422)
    services.add_match_comment(match, comment_form.body.data, current_user)
    db.session.commit()
    flash(_("The comment is added."), "success")
    return redirect(url_for(".match", match_id=match.id))


# --- audit log -------------------------------------------------------------------------------------


def _audit_filters() -> tuple[AuditFilterForm, services.AuditFilters | None]:
    form = AuditFilterForm(request.args)
    form.known_actions, targets = services.list_audit_vocabulary()
    form.target_type.choices = choices([("", _("Any")), *((t, t) for t in targets)])
    if request.args and not form.validate():
        return form, None
    zone = get_timezone()

    def start_of(day) -> datetime | None:
        return datetime.combine(day, time.min, tzinfo=zone) if day else None

    filters = services.AuditFilters(
        actor=form.actor.data or None,
        action=form.action.data or None,
        target_type=form.target_type.data or None,
        target_id=form.target_id.data,
        since=start_of(form.since.data),
        until=start_of(form.until.data + timedelta(days=1)) if form.until.data else None,
    )
    return form, filters


@bp.route("/audit")
@role_required(*OFFICERS)
def audit_log():
    form, filters = _audit_filters()
    if filters is None:
        return render_template("supervision/audit.html", form=form, events=None, args={}), 422
    page = request.args.get("page", 1, type=int)
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    events = services.list_audit_events(page, filters)
    return render_template("supervision/audit.html", form=form, events=events, args=args)


@bp.route("/audit.csv")
@role_required(*OFFICERS)
def audit_export():
    form, filters = _audit_filters()
    if filters is None:
        return render_template("supervision/audit.html", form=form, events=None, args={}), 422
    lines = services.export_audit_csv(filters, current_user)
    db.session.commit()  # the export is audited before it is sent
    stamp = datetime.now(get_timezone()).strftime("%Y%m%d-%H%M")
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="ipbridge-audit-{stamp}.csv"'},
    )


# --- dashboard -------------------------------------------------------------------------------------


FUNNEL_TITLES = {
    "needs": _l("Needs published"),
    "proposals": _l("Candidates proposed"),
    "invitations": _l("Invitations sent"),
    "accepted": _l("Invitations accepted"),
    "approved": _l("Matches approved"),
}


def _charts(data) -> dict[str, charts.BarChart]:
    """The dashboard's charts by table, labelled in the reader's language."""
    rtl = text_direction() == "rtl"
    locale = str(current_locale())
    series = {
        "status": (
            _("Applications by status"),
            [(label("status", r.key), r.providers) for r in data.by_status],
        ),
        "funnel": (_("Matching funnel"), [(str(FUNNEL_TITLES[code]), n) for code, n in data.funnel]),
        "country": (
            _("Approved providers by country (the 12 first)"),
            [(country_name(r.key), r.providers) for r in data.by_country[:12]],
        ),
        "language": (
            _("Approved providers by working language (the 12 first)"),
            [(language_name(r.key), r.providers) for r in data.by_language[:12]],
        ),
        "service": (
            _("Approved providers by service"),
            [(label("service", r.key), r.providers) for r in data.by_service],
        ),
        "zone": (_("Open needs by zone"), [(z.zone.name_in(locale), z.open_needs) for z in data.by_zone]),
    }
    return {key: charts.bar_chart(title, rows, rtl=rtl) for key, (title, rows) in series.items()}


@bp.route("/")
@bp.route("/dashboard")
@role_required(*OFFICERS)
def dashboard():
    data = build_dashboard()
    return render_template(
        "supervision/dashboard.html", data=data, graphs=_charts(data), funnel_titles=FUNNEL_TITLES
    )
