"""Saved searches, and the alerts they raise when a fitting candidate is approved.

Whoever approves a profile or an institution (an officer's page, the API, a CLI command), the
commit is what counts: a session hook notes every profile or institution that became approved
(and every opportunity that opened) and, once the transaction has committed, scores each one
against the saved searches of its kind. The index hook of ``app.matches.engine`` runs first
(its listeners are registered first, by the import below), so the candidate is searchable then.

The app's session cannot run SQL inside its own commit hook, so alerts are written in a session
of their own, then the recruiters are mailed.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import has_app_context
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.session import Session as FlaskSession

from app.accounts.models import User
from app.dbtypes import utcnow
from app.errors import DomainError, PermissionDeniedError
from app.extensions import db
from app.matches.cards import card_of, hidden_ids
from app.matches.documents import CANDIDATE_KINDS, KIND_OF_MODEL, MODEL_OF_KIND, is_searchable, query_for_need
from app.matches.engine import get_matcher
from app.matches.models import Alert, CandidateKind, SavedSearch
from app.matches.outbox import absolute_url, deliver
from app.matches.services import indexed_ids
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile
from app.workflow import ApplicationStatus, NeedStatus, OpportunityStatus, Role
from app.zones.models import ZoneNeed
from matching.types import Filters, Hit, Query

if TYPE_CHECKING:
    from matching.engine import Matcher  # imports faiss: creating the app must not

logger = logging.getLogger(__name__)
PENDING_KEY = "ipbridge.saved_search_pending"
ALERTS_PATH = "/zone/alerts"
WATCHED = {ProfessionalProfile: "professional", Institution: "institution", Opportunity: "opportunity"}
FILTER_SETS = ("countries", "languages", "services", "fields", "qualifications")
MAX_QUERY = 1000


class SavedSearchError(DomainError):
    """A saved search that cannot be kept as given."""


# --- filters as stored ------------------------------------------------------------------------------


def filters_to_json(filters: Filters) -> dict:
    """The searcher's filters as a JSON object (exclusions are not saved: they are recomputed)."""
    data: dict = {name: sorted(getattr(filters, name)) for name in FILTER_SETS if getattr(filters, name)}
    if filters.min_experience:
        data["min_experience"] = filters.min_experience
    return data


def filters_from_json(data: dict | None) -> Filters:
    data = data or {}
    return Filters(
        **{name: frozenset(data.get(name) or ()) for name in FILTER_SETS},
        min_experience=int(data.get("min_experience") or 0),
    )


# --- saved searches ---------------------------------------------------------------------------------


def save_search(
    recruiter: User,
    *,
    name: str,
    kind: str,
    threshold: int,
    need: ZoneNeed | None = None,
    query_text: str | None = None,
    filters: Filters | None = None,
) -> SavedSearch:
    """Follow a need (``need``) or keep a free-text search (``query_text``) for candidates of ``kind``.

    Raises:
        SavedSearchError: neither a need nor a text, a kind the need does not look for, a bad threshold.
        PermissionDeniedError: the need belongs to another zone.
    """
    query_text = (query_text or "").strip() or None
    if need is not None:
        if need.zone_id != recruiter.zone_id:
            raise PermissionDeniedError(_l("This need belongs to another zone."))
        if kind not in CANDIDATE_KINDS[need.kind]:
            raise SavedSearchError(_l("This need does not look for this kind of candidate."))
        query_text = None
    elif query_text is None:
        raise SavedSearchError(_l("Describe what you are looking for, or follow one of your needs."))
    elif len(query_text) > MAX_QUERY:
        raise SavedSearchError(_l("The description can be at most %(n)d characters long.", n=MAX_QUERY))
    if not 0 <= threshold <= 100:
        raise SavedSearchError(_l("The threshold is a score from 0 to 100."))
    saved = SavedSearch(
        recruiter_id=recruiter.id,
        need=need,
        name=name.strip()[:120] or (need.title[:120] if need else query_text[:120]),
        query_text=query_text,
        kind=CandidateKind(kind),
        filters=filters_to_json(filters or Filters()),
        threshold=threshold,
    )
    db.session.add(saved)
    db.session.flush()
    return saved


def list_saved_searches(recruiter: User) -> list[SavedSearch]:
    query = (
        sa.select(SavedSearch)
        .where(SavedSearch.recruiter_id == recruiter.id)
        .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())
    )
    return list(db.session.scalars(query))


def get_saved_search(recruiter: User, saved_search_id: int) -> SavedSearch | None:
    saved = db.session.get(SavedSearch, saved_search_id)
    return saved if saved is not None and saved.recruiter_id == recruiter.id else None


def delete_saved_search(saved: SavedSearch, recruiter: User) -> None:
    """Stop a saved search; its alerts go with it."""
    if saved.recruiter_id != recruiter.id:
        raise PermissionDeniedError(_l("This saved search is not yours."))
    db.session.delete(saved)
    db.session.flush()


# --- alerts -----------------------------------------------------------------------------------------


def list_alerts(recruiter: User, page: int, per_page: int = 20):
    query = (
        sa.select(Alert)
        .where(Alert.recruiter_id == recruiter.id)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def unread_alert_count(recruiter: User) -> int:
    query = sa.select(sa.func.count(Alert.id)).where(
        Alert.recruiter_id == recruiter.id, Alert.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


def mark_alerts_read(recruiter: User) -> int:
    """Mark every unread alert of the recruiter as read; returns how many."""
    alerts = db.session.scalars(
        sa.select(Alert).where(Alert.recruiter_id == recruiter.id, Alert.read_at.is_(None))
    ).all()
    now = utcnow()
    for alert in alerts:
        alert.read_at = now
    db.session.flush()
    return len(alerts)


def alert_cards(alerts, locale: str) -> dict[int, object]:
    """Cards (without contact data) of the alerts' candidates still visible, by alert id."""
    from app.matches.cards import load_candidates

    by_kind: dict[str, list[Alert]] = {}
    for alert in alerts:
        by_kind.setdefault(str(alert.target_kind), []).append(alert)
    cards = {}
    for kind, group in by_kind.items():
        candidates = load_candidates(kind, [alert.target_id for alert in group])
        for alert in group:
            if alert.target_id in candidates:
                cards[alert.id] = card_of(candidates[alert.target_id], locale)
    return cards


# --- evaluation on approval -------------------------------------------------------------------------


def notify_saved_searches(obj) -> None:
    """Score ``obj`` against the saved searches once the current transaction commits.

    ``obj`` is a profile or institution just approved, or an opportunity just opened.

    The commit hook does this by itself for every approval; calling it as well changes nothing
    (an alert is raised once per saved search and candidate).
    """
    db.session.info.setdefault(PENDING_KEY, set()).add((KIND_OF_MODEL[type(obj)], obj.id))


def _became_searchable(session, obj) -> bool:
    target = OpportunityStatus.OPEN if isinstance(obj, Opportunity) else ApplicationStatus.APPROVED
    if obj.status != target:
        return False
    return obj in session.new or sa.inspect(obj).attrs.status.history.has_changes()


@sa.event.listens_for(FlaskSession, "after_flush")
def _note_approvals(session, flush_context) -> None:
    # After the flush the objects have their ids; ``new`` and the attribute history still show
    # what this flush changed.
    for obj in [*session.new, *session.dirty]:
        kind = WATCHED.get(type(obj))
        if kind is not None and _became_searchable(session, obj):
            session.info.setdefault(PENDING_KEY, set()).add((kind, obj.id))


@sa.event.listens_for(FlaskSession, "after_commit")
def _evaluate_approvals(session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if not pending or not has_app_context():
        return
    try:
        mails = evaluate_saved_searches(pending)
    except Exception:
        # The approval is committed already: a failure here must not turn the officer's page into
        # an error. The alert is lost; the log says why.
        logger.exception("saved searches could not be evaluated for %s", sorted(pending))
        return
    for to, locale, context in mails:
        deliver(to, "saved_search_alert", locale, **context)


@sa.event.listens_for(FlaskSession, "after_rollback")
def _forget_approvals(session) -> None:
    session.info.pop(PENDING_KEY, None)


def evaluate_saved_searches(pending: set[tuple[str, int]]) -> list[tuple[str, str | None, dict]]:
    """Score the candidates against the saved searches of their kind, in a session of its own.

    Returns:
        The mails to send: (address, locale, template context) per alert raised.
    """
    with so.Session(db.engine, expire_on_commit=False) as session:
        if session.scalar(sa.select(SavedSearch.id).limit(1)) is None:
            return []
        created: list[Alert] = []
        for kind in sorted({kind for kind, _id in pending}):
            ids = sorted(record_id for k, record_id in pending if k == kind)
            created += _evaluate_kind(session, kind, ids)
        mails = [_alert_mail(session, alert) for alert in created]
        session.commit()
    return mails


def _evaluate_kind(session: so.Session, kind: str, ids: list[int]) -> list[Alert]:
    searches = session.scalars(sa.select(SavedSearch).where(SavedSearch.kind == kind)).all()
    searches = [s for s in searches if _is_live(s)]
    if not searches:
        return []
    model = MODEL_OF_KIND[kind]
    hidden = hidden_ids(kind, session)
    candidates = [
        row
        for row in session.scalars(sa.select(model).where(model.id.in_(ids)))
        if is_searchable(row) and row.id not in hidden
    ]
    if not candidates:
        return []
    matcher = _matcher_with(session, kind)
    indexed = indexed_ids(kind, session)
    created = []
    for candidate in candidates:
        others = indexed - {candidate.id}
        for search in searches:
            hit = _score(matcher, kind, search, candidate.id, others)
            if hit is None or hit.score < search.threshold or _alerted(session, search, kind, candidate.id):
                continue
            alert = Alert(
                recruiter_id=search.recruiter_id,
                saved_search=search,
                target_kind=CandidateKind(kind),
                target_id=candidate.id,
                score=hit.score,
            )
            session.add(alert)
            created.append(alert)
    session.flush()
    return created


def _is_live(search: SavedSearch) -> bool:
    recruiter = search.recruiter
    if recruiter is None or not recruiter.is_active or recruiter.role != Role.RECRUITER:
        return False
    need = search.need
    return need is None or (need.status == NeedStatus.OPEN and need.zone_id == recruiter.zone_id)


def _matcher_with(session: so.Session, kind: str) -> Matcher:
    """The matcher with ``kind`` loaded as committed (the index hook has applied the change)."""
    matcher = get_matcher()
    if not matcher.is_loaded(kind) or not matcher.is_current(kind):
        from app.matches.documents import record_of

        model = MODEL_OF_KIND[kind]
        rows = session.scalars(sa.select(model).order_by(model.id))
        matcher.load(kind, [record_of(row) for row in rows if is_searchable(row)])
    return matcher


def _score(matcher: Matcher, kind: str, search: SavedSearch, candidate_id: int, others) -> Hit | None:
    filters = replace(filters_from_json(search.filters), exclude_ids=frozenset(others))
    if search.need is not None:
        base = query_for_need(search.need, kind)
        query = Query(base.text, base.lang, base.requirements, filters)
    else:
        query = Query(search.query_text or "", filters=filters)
    result = matcher.search(kind, query, 1, 0)
    return next((hit for hit in result.hits if hit.id == candidate_id), None)


def _alerted(session: so.Session, search: SavedSearch, kind: str, candidate_id: int) -> bool:
    query = sa.select(Alert.id).where(
        Alert.saved_search_id == search.id, Alert.target_kind == kind, Alert.target_id == candidate_id
    )
    return session.scalar(query) is not None


def _alert_mail(session: so.Session, alert: Alert) -> tuple[str, str | None, dict]:
    recruiter = alert.saved_search.recruiter
    candidate = session.get(MODEL_OF_KIND[str(alert.target_kind)], alert.target_id)
    card = card_of(candidate, recruiter.locale or "en")
    context = {
        "name": recruiter.display_name,
        "search_name": alert.saved_search.name,
        "candidate_name": card.name,
        "headline": card.headline,
        "score": alert.score,
        "link": absolute_url(ALERTS_PATH),
    }
    return recruiter.email, recruiter.locale, context
