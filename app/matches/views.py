"""The recruiter's candidates.

Ranked results, free-text search, the shortlist board, invitations, saved searches and alerts,
and the shortlist export.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.auth import role_required
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm
from app.labels import label
from app.locale import current_locale, language_name
from app.matches import alerts as alert_services
from app.matches.documents import CANDIDATE_KINDS
from app.matches.forms import (
    KIND_TAGS,
    KIND_TITLES,
    InviteForm,
    MoveForm,
    NoteForm,
    ResultsForm,
    SaveSearchForm,
    SearchForm,
    ShortlistForm,
)
from app.matches.models import Match
from app.matches.reasons import describe, describe_requirement
from app.matches.services import (
    add_note,
    find_candidates,
    get_match_of_zone,
    invite,
    list_match_events,
    list_pipeline,
    move_match,
    pipeline_item,
    shortlist_candidate,
    shortlist_csv,
)
from app.workflow import MatchStage, Role
from app.zones.services import list_open_needs
from app.zones.views import me, own_need_or_404

bp = Blueprint("matches", __name__, url_prefix="/zone")
ALL_KINDS = tuple(KIND_TITLES)
PER_PAGE = 10
CONFLICTS = (DomainError, IntegrityError, StaleDataError)


@bp.app_context_processor
def _template_helpers() -> dict:
    def unread_alert_count() -> int:
        if not current_user.is_authenticated or current_user.role != Role.RECRUITER:
            return 0
        return alert_services.unread_alert_count(current_user)

    return {
        "unread_alert_count": unread_alert_count,
        "describe_reason": describe,
        "describe_requirement": describe_requirement,
        "kind_title": lambda kind: KIND_TITLES.get(kind, kind),
        "kind_tag": lambda kind: KIND_TAGS.get(kind, kind),
    }


def _locale() -> str:
    return str(current_locale())


def _back(target: str | None, fallback: str) -> str:
    """Only same-site relative paths are followed (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return fallback


def _own_match_or_404(match_id: int) -> Match:
    match = get_match_of_zone(current_user, match_id)
    if match is None:
        abort(404)
    return match


def _query_args() -> dict:
    """The current page's URL arguments without the page number, for the pager's links."""
    args = {**(request.view_args or {}), **request.args.to_dict()}
    args.pop("page", None)
    return args


# --- results and search -----------------------------------------------------------------------------


@bp.route("/needs/<int:need_id>/candidates")
@role_required(Role.RECRUITER)
def candidates(need_id: int):
    need = own_need_or_404(need_id)
    form = ResultsForm(request.args, kinds=CANDIDATE_KINDS[need.kind], language_name=language_name)
    context = {"need": need, "form": form}
    if not form.validate():
        return render_template("matches/candidates.html", results=None, **context), 422
    results = find_candidates(
        form.kind.data,
        need=need,
        filters=form.filters(),
        sort=form.sort_key,
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
        locale=_locale(),
    )
    return render_template("matches/candidates.html", results=results, query_args=_query_args(), **context)


@bp.route("/search")
@role_required(Role.RECRUITER)
def search():
    form = SearchForm(request.args, kinds=ALL_KINDS, language_name=language_name)
    context = {"form": form, "results": None}
    if "q" not in request.args:
        return render_template("matches/search.html", **context)
    if not form.validate():
        return render_template("matches/search.html", **context), 422
    context["results"] = find_candidates(
        form.kind.data,
        text=form.q.data,
        filters=form.filters(),
        sort=form.sort_key,
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
        locale=_locale(),
    )
    context["needs"] = [
        n for n in list_open_needs(current_user.zone_id) if form.kind.data in CANDIDATE_KINDS[n.kind]
    ]
    context["query_args"] = _query_args()
    return render_template("matches/search.html", **context)


@bp.route("/shortlist", methods=["POST"])
@role_required(Role.RECRUITER)
def shortlist():
    form = ShortlistForm()
    if not form.validate_on_submit():
        abort(400)
    need = own_need_or_404(form.need_id.data)
    fallback = url_for("matches.candidates", need_id=need.id)
    try:
        match = shortlist_candidate(need, form.kind.data, form.candidate_id.data, me())
        db.session.commit()
    except CONFLICTS as error:
        db.session.rollback()
        flash(
            str(error) if isinstance(error, DomainError) else _("Someone changed this pipeline meanwhile."),
            "error",
        )
        return redirect(_back(form.next.data, fallback))
    flash(_("The candidate is on the shortlist of “%(need)s”.", need=match.need.title), "success")
    return redirect(_back(form.next.data, fallback))


# --- the board, one match, notes, invitations ---------------------------------------------------------


@bp.route("/needs/<int:need_id>/board")
@role_required(Role.RECRUITER)
def board(need_id: int):
    need = own_need_or_404(need_id)
    pipeline = list_pipeline(need, me(), _locale())
    return render_template(
        "matches/board.html", need=need, pipeline=pipeline, move_form=MoveForm(formdata=None)
    )


def _render_match(match: Match, *, note_form=None, invite_form=None, status: int = 200):
    return render_template(
        "matches/match.html",
        match=match,
        need=match.need,
        item=pipeline_item(match, me(), _locale()),
        events=list_match_events(match),
        note_form=note_form or NoteForm(formdata=None),
        invite_form=invite_form or InviteForm(formdata=None),
        move_form=MoveForm(formdata=None),
    ), status


@bp.route("/matches/<int:match_id>")
@role_required(Role.RECRUITER)
def match(match_id: int):
    return _render_match(_own_match_or_404(match_id))


@bp.route("/matches/<int:match_id>/move", methods=["POST"])
@role_required(Role.RECRUITER)
def move(match_id: int):
    match = _own_match_or_404(match_id)
    need_id = match.need_id
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("This move is not possible."), "error")
    else:
        try:
            move_match(match, MatchStage(form.target.data), me())
            db.session.commit()
        except CONFLICTS as error:
            db.session.rollback()
            flash(
                str(error) if isinstance(error, DomainError) else _("Someone changed this match meanwhile."),
                "error",
            )
        else:
            flash(_("Moved to “%(stage)s”.", stage=label("status", form.target.data)), "success")
    return redirect(_back(request.form.get("next"), url_for("matches.board", need_id=need_id)))


@bp.route("/matches/<int:match_id>/notes", methods=["POST"])
@role_required(Role.RECRUITER)
def note(match_id: int):
    match = _own_match_or_404(match_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_match(match, note_form=form, status=422)
    try:
        add_note(match, me(), form.text.data)
    except DomainError as error:
        db.session.rollback()
        form.text.errors.append(str(error))
        return _render_match(match, note_form=form, status=422)
    db.session.commit()
    flash(_("The note is saved."), "success")
    return redirect(url_for("matches.match", match_id=match_id) + "#notes")


@bp.route("/matches/<int:match_id>/invite", methods=["POST"])
@role_required(Role.RECRUITER)
def invite_candidate(match_id: int):
    match = _own_match_or_404(match_id)
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_match(match, invite_form=form, status=422)
    try:
        invite(match, me(), form.message.data)
        db.session.commit()  # the mail leaves with the commit
    except CONFLICTS as error:
        db.session.rollback()
        message = str(error) if isinstance(error, DomainError) else _("Someone changed this match meanwhile.")
        form.message.errors.append(message)
        return _render_match(match, invite_form=form, status=422)
    flash(_("The invitation is sent."), "success")
    return redirect(url_for("matches.match", match_id=match_id))


@bp.route("/needs/<int:need_id>/shortlist.csv")
@role_required(Role.RECRUITER)
def export(need_id: int):
    need = own_need_or_404(need_id)
    body = shortlist_csv(need, me(), _locale())
    return Response(
        body.encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="need-{need.id}-shortlist.csv"'},
    )


# --- saved searches and alerts ------------------------------------------------------------------------


def _search_url(saved) -> str:
    """The page that runs a saved search now."""
    filters = saved.filters or {}
    args = {
        "kind": str(saved.kind),
        "country": next(iter(filters.get("countries", [])), None),
        "language": next(iter(filters.get("languages", [])), None),
        "service": next(iter(filters.get("services", [])), None),
        "field": next(iter(filters.get("fields", [])), None),
        "qualification": next(iter(filters.get("qualifications", [])), None),
        "min_experience": filters.get("min_experience") or None,
    }
    args = {name: value for name, value in args.items() if value is not None}
    if saved.need_id is not None:
        return url_for("matches.candidates", need_id=saved.need_id, **args)
    return url_for("matches.search", q=saved.query_text, **args)


@bp.route("/searches")
@role_required(Role.RECRUITER)
def saved_searches():
    searches = alert_services.list_saved_searches(me())
    return render_template(
        "matches/saved_searches.html",
        searches=searches,
        urls={saved.id: _search_url(saved) for saved in searches},
        action_form=ConfirmForm(),
    )


@bp.route("/searches/new", methods=["GET", "POST"])
@role_required(Role.RECRUITER)
def save_search():
    need_id = request.values.get("need_id", type=int)
    need = own_need_or_404(need_id) if need_id else None
    kinds = CANDIDATE_KINDS[need.kind] if need else ALL_KINDS
    form = SaveSearchForm(kinds=kinds, language_name=language_name)
    if form.validate_on_submit():
        try:
            alert_services.save_search(
                me(),
                name=form.name.data or "",
                kind=form.kind.data,
                threshold=form.threshold.data,
                need=need,
                query_text=form.q.data,
                filters=form.filters(),
            )
        except DomainError as error:
            db.session.rollback()
            (form.q if need is None else form.kind).errors.append(str(error))
            return render_template("matches/save_search.html", form=form, need=need), 422
        db.session.commit()
        flash(
            _("The search is saved: new candidates scoring above the threshold will be announced."), "success"
        )
        return redirect(url_for("matches.saved_searches"))
    return render_template("matches/save_search.html", form=form, need=need), 422 if form.errors else 200


@bp.route("/searches/<int:saved_search_id>/delete", methods=["POST"])
@role_required(Role.RECRUITER)
def delete_search(saved_search_id: int):
    saved = alert_services.get_saved_search(me(), saved_search_id)
    if saved is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        alert_services.delete_saved_search(saved, me())
        db.session.commit()
        flash(_("The saved search is deleted."), "success")
    return redirect(url_for("matches.saved_searches"))


@bp.route("/alerts")
@role_required(Role.RECRUITER)
def alerts():
    page = alert_services.list_alerts(me(), request.args.get("page", 1, type=int))
    return render_template(
        "matches/alerts.html",
        alerts=page,
        cards=alert_services.alert_cards(page.items, _locale()),
        urls={alert.id: _search_url(alert.saved_search) for alert in page.items},
        action_form=ConfirmForm(),
    )


@bp.route("/alerts/read", methods=["POST"])
@role_required(Role.RECRUITER)
def read_alerts():
    if ConfirmForm().validate_on_submit():
        alert_services.mark_alerts_read(me())
        db.session.commit()
    return redirect(url_for("matches.alerts"))
