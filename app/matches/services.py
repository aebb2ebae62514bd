"""Matching operations the views and the CLI share: search, the shortlist pipeline, invitations.

Every function that acts for a recruiter takes the recruiter and checks that the need belongs to
their zone; views turn a foreign need into a 404 before they get here, so the check is a second
line of defence. Contact data of a candidate reaches a page only through ``contact_visible``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.audit.services import record_event
from app.dbtypes import utcnow
from app.errors import DomainError, PermissionDeniedError
from app.extensions import db
from app.labels import label
from app.locale import country_name, language_name
from app.matches.cards import (
    CandidateCard,
    blacklisted_institution_ids,
    candidate_of,
    card_of,
    hidden_ids,
    is_visible,
    kind_of,
    load_candidates,
)
from app.matches.documents import CANDIDATE_KINDS, MODEL_OF_KIND, query_for_need
from app.matches.engine import ensure_loaded
from app.matches.models import Invitation, InvitationKind, Match, MatchNote
from app.matches.outbox import absolute_url, send_after_commit
from app.matches.reasons import reasons_to_json
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile
from app.workflow import (
    MATCH_WORKFLOW,
    STATUS_TITLES,
    ApplicationStatus,
    MatchStage,
    NeedStatus,
    OpportunityStatus,
    Role,
)
from app.zones.models import ZoneNeed
from matching.types import Filters, Hit, Query, SearchResult

#: The applicant's inbox, built by the applicant side; invitations link to it by path.
INBOX_PATH = "/me/invitations"
#: Stages at which the candidate has said yes to the zone: their contact data may be shown.
CONTACT_STAGES = frozenset({MatchStage.ACCEPTED, MatchStage.APPROVED})
#: Stages a recruiter moves a match to from the board (inviting goes through ``invite``).
BOARD_MOVES = (MatchStage.PROPOSED, MatchStage.SHORTLISTED, MatchStage.DISMISSED)
#: The board's columns, in pipeline order; dismissed matches are listed apart.
BOARD_STAGES = (
    MatchStage.PROPOSED,
    MatchStage.SHORTLISTED,
    MatchStage.INVITED,
    MatchStage.ACCEPTED,
    MatchStage.DECLINED,
    MatchStage.APPROVED,
    MatchStage.REJECTED,
)
#: Stages exported as "the shortlist".
EXPORTED_STAGES = frozenset(BOARD_STAGES) - {MatchStage.PROPOSED}
SORTS = ("score", "experience", "newest")
#: Sorting by anything but the score reorders this many best-scoring candidates.
SORT_POOL = 200
CANDIDATE_COLUMN = {
    "professional": "profile_id",
    "institution": "institution_id",
    "opportunity": "opportunity_id",
}
MAX_NOTE = 2000
MAX_MESSAGE = 2000


class PipelineError(DomainError):
    """A shortlist, move, note or invitation the rules do not allow."""


# --- search -----------------------------------------------------------------------------------------


def match_need(
    need: ZoneNeed, kind: str, *, filters: Filters | None = None, k: int = 20, offset: int = 0
) -> SearchResult:
    """Candidates of ``kind`` for ``need``, with the need's hard requirements applied."""
    query = query_for_need(need, kind)
    if filters is not None:
        query = Query(query.text, query.lang, query.requirements, filters)
    return ensure_loaded(kind).search(kind, query, k, offset)


def search_text(
    text: str, kind: str, *, filters: Filters | None = None, k: int = 20, offset: int = 0
) -> SearchResult:
    """Free-text search in any language over approved records of ``kind``."""
    return ensure_loaded(kind).search(kind, Query(text, filters=filters or Filters()), k, offset)


@dataclass(frozen=True)
class ShownHit:
    hit: Hit
    card: CandidateCard
    match: Match | None  # the candidate's place in the need's pipeline, if any


@dataclass(frozen=True)
class ResultPage:
    hits: list[ShownHit]
    total: int
    filtered_out: dict[str, int]
    page: int
    per_page: int
    sorted_among: int | None = None  # set when a sort other than the score reordered the best N

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def find_candidates(
    kind: str,
    *,
    need: ZoneNeed | None = None,
    text: str | None = None,
    filters: Filters | None = None,
    sort: str = "score",
    page: int = 1,
    per_page: int = 10,
    locale: str = "en",
) -> ResultPage:
    """One page of ranked candidates for a need, or for a free text, as recruiters may see them.

    Candidates the matcher holds but recruiters must not see (barred institutions, opportunities of
    suspended owners) are excluded like a filter, silently. Sorting by experience or by date
    reorders the ``SORT_POOL`` best-scoring candidates.
    """
    filters = filters or Filters()
    filters = replace(filters, exclude_ids=filters.exclude_ids | hidden_ids(kind))
    page = max(page, 1)

    def run(k: int, offset: int) -> SearchResult:
        if need is not None:
            return match_need(need, kind, filters=filters, k=k, offset=offset)
        return search_text(text or "", kind, filters=filters, k=k, offset=offset)

    if sort == "score":
        result = run(per_page, (page - 1) * per_page)
        shown = _shown(kind, need, result.hits, locale)
        return ResultPage(shown, result.total, result.filtered_out, page, per_page)
    result = run(SORT_POOL, 0)
    shown = _shown(kind, need, result.hits, locale)
    if sort == "experience":
        shown.sort(key=lambda s: (-(s.card.years_experience or -1), -s.hit.score))
    else:
        shown.sort(key=lambda s: (-(s.card.listed_at.timestamp() if s.card.listed_at else 0), -s.hit.score))
    start = (page - 1) * per_page
    return ResultPage(
        shown[start : start + per_page],
        len(shown),
        result.filtered_out,
        page,
        per_page,
        sorted_among=len(shown) if result.total > len(shown) else None,
    )


def _shown(kind: str, need: ZoneNeed | None, hits: list[Hit], locale: str) -> list[ShownHit]:
    candidates = load_candidates(kind, [hit.id for hit in hits])
    matches = _matches_of(need, kind, list(candidates)) if need is not None else {}
    return [
        ShownHit(hit, card_of(candidates[hit.id], locale), matches.get(hit.id))
        for hit in hits
        if hit.id in candidates  # the index may lag a moment behind a suspension
    ]


def _matches_of(need: ZoneNeed, kind: str, ids: list[int]) -> dict[int, Match]:
    column = getattr(Match, CANDIDATE_COLUMN[kind])
    rows = db.session.scalars(sa.select(Match).where(Match.need_id == need.id, column.in_(ids)))
    return {getattr(match, CANDIDATE_COLUMN[kind]): match for match in rows}


def indexed_ids(kind: str, session=None) -> frozenset[int]:
    """Ids of the records of ``kind`` the matcher indexes (see ``documents.is_searchable``)."""
    session = session or db.session
    model = MODEL_OF_KIND[kind]
    status = OpportunityStatus.OPEN if model is Opportunity else ApplicationStatus.APPROVED
    return frozenset(session.scalars(sa.select(model.id).where(model.status == status)))


def score_candidate(need: ZoneNeed, kind: str, candidate_id: int) -> Hit | None:
    """The candidate's hit for the need, as in the full ranking; None when a hard requirement fails.

    Every other record is excluded, so the search ranks this one alone; the score is the same as
    in the full list (the calibration does not depend on the filters).
    """
    others = indexed_ids(kind) - {candidate_id}
    result = match_need(need, kind, filters=Filters(exclude_ids=others), k=1)
    return next((hit for hit in result.hits if hit.id == candidate_id), None)


# --- the pipeline -----------------------------------------------------------------------------------


def _check_zone(need: ZoneNeed, recruiter: User) -> None:
    if recruiter.role != Role.RECRUITER or need.zone_id != recruiter.zone_id:
        raise PermissionDeniedError(_l("This need belongs to another zone."))


def _move(match: Match, target: MatchStage, actor: User) -> None:
    MATCH_WORKFLOW.apply(match, target, actor)
    match.moved_by_id = actor.id
    match.moved_at = utcnow()


def _store_hit(match: Match, hit: Hit) -> None:
    match.score = float(hit.score)
    match.components = dict(hit.components)
    match.explanation = {
        "reasons": reasons_to_json(hit.reasons),
        "best_sentence": hit.best_sentence,
        "best_sentence_lang": hit.best_sentence_lang,
    }


def get_match_of_zone(recruiter: User, match_id: int) -> Match | None:
    """The match, if its need is in the recruiter's zone and its candidate is still visible."""
    match = db.session.get(Match, match_id)
    if match is None or match.need.zone_id != recruiter.zone_id:
        return None
    return match if is_visible(candidate_of(match)) else None


def shortlist_candidate(need: ZoneNeed, kind: str, candidate_id: int, recruiter: User) -> Match:
    """Put a candidate from the results on the need's shortlist (proposed → shortlisted).

    The match keeps the score, components and explanation computed now.

    Raises:
        PipelineError: the need is closed, does not look for this kind, the candidate is gone or
            fails a hard requirement, or is already further in the pipeline.
    """
    _check_zone(need, recruiter)
    if need.status == NeedStatus.CLOSED:
        raise PipelineError(_l("This need is closed: reopen it to shortlist candidates."))
    if kind not in CANDIDATE_KINDS[need.kind]:
        raise PipelineError(_l("This need does not look for this kind of candidate."))
    if candidate_id not in load_candidates(kind, [candidate_id]):
        raise PipelineError(_l("This candidate is no longer available."))
    match = _matches_of(need, kind, [candidate_id]).get(candidate_id)
    if match is not None and match.stage not in (MatchStage.PROPOSED, MatchStage.DISMISSED):
        raise PipelineError(
            _l("This candidate is in the pipeline already (%(stage)s).", stage=STATUS_TITLES[match.stage])
        )
    hit = score_candidate(need, kind, candidate_id)
    if hit is None:
        raise PipelineError(_l("This candidate does not meet the need’s requirements."))
    if match is None:
        match = Match(need=need, stage=MatchStage.PROPOSED, **{CANDIDATE_COLUMN[kind]: candidate_id})
        db.session.add(match)
        record_event(recruiter, "match.propose", match, after={"stage": str(MatchStage.PROPOSED)})
    elif match.stage == MatchStage.DISMISSED:
        _move(match, MatchStage.PROPOSED, recruiter)
    _store_hit(match, hit)
    _move(match, MatchStage.SHORTLISTED, recruiter)
    return match


def board_moves(match: Match) -> list[MatchStage]:
    """Where a recruiter may move the match from the board."""
    return [
        MatchStage(t.target)
        for t in MATCH_WORKFLOW.transitions
        if t.source == match.stage and Role.RECRUITER in t.roles and t.target in BOARD_MOVES
    ]


def move_match(match: Match, target: MatchStage, recruiter: User) -> Match:
    """Move a match on the board (shortlist, put back, dismiss, restore); audited by the workflow.

    Raises:
        PipelineError: ``target`` is not a board move, or the candidate is no longer visible.
        TransitionError: the workflow does not allow it from the current stage.
    """
    _check_zone(match.need, recruiter)
    if target == MatchStage.INVITED:
        raise PipelineError(_l("Invite a candidate with the invitation form, which carries your message."))
    if target not in BOARD_MOVES:
        raise PipelineError(_l("Only the candidate or a cooperation officer can make this move."))
    if not is_visible(candidate_of(match)):
        raise PipelineError(_l("This candidate is no longer available."))
    _move(match, target, recruiter)
    return match


def add_note(match: Match, author: User, text: str) -> MatchNote:
    """Add a note on the candidate; notes are seen by the zone's recruiters only."""
    _check_zone(match.need, author)
    text = text.strip()
    if not text:
        raise PipelineError(_l("Write the note first."))
    if len(text) > MAX_NOTE:
        raise PipelineError(_l("A note can be at most %(n)d characters long.", n=MAX_NOTE))
    note = MatchNote(match=match, author_id=author.id, text=text)
    db.session.add(note)
    record_event(author, "match.add_note", match)
    return note


def list_match_events(match: Match) -> list[AuditEvent]:
    """The match's audit trail, oldest first."""
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.target_type == Match.__tablename__, AuditEvent.target_id == match.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    return list(db.session.scalars(query))


# --- invitations and contact data -------------------------------------------------------------------


def contact_visible(match: Match, user: User | None) -> bool:
    """May ``user`` see the candidate's contact data (email, phone, institution contact)?

    Recruiters of the need's zone only once the candidate accepted the invitation (and while an
    officer has not rejected the match); officers always; the candidate, their own.
    """
    if user is None:
        return False
    if user.role in (Role.OFFICER, Role.ADMIN):
        return True
    if user.role == Role.RECRUITER:
        return user.zone_id == match.need.zone_id and match.stage in CONTACT_STAGES
    return user in candidate_users(match)


def candidate_users(match: Match) -> list[User]:
    """The accounts that answer for the candidate.

    The person, the institution's representatives, or the owner of the opportunity.
    """
    owner = candidate_of(match)
    if isinstance(owner, Opportunity):
        owner = owner.profile or owner.institution
    if isinstance(owner, ProfessionalProfile):
        return [owner.user] if owner.user is not None else []
    return [user for user in owner.representatives if user.is_active]


def _recipients(match: Match) -> list[tuple[str, str | None, str]]:
    """(email, locale, name) of whoever receives the candidate's invitation."""
    users = candidate_users(match)
    if users:
        return [(user.email, user.locale, user.display_name) for user in users]
    owner = candidate_of(match)
    institution = owner.institution if isinstance(owner, Opportunity) else owner
    if isinstance(institution, Institution) and institution.contact_email:
        return [(institution.contact_email, None, institution.contact_name)]
    return []


def invite(match: Match, recruiter: User, message: str) -> Invitation:
    """Invite a shortlisted candidate (shortlisted → invited) and mail them in their language.

    The mail links to the candidate's inbox and leaves only when the transaction commits.

    Raises:
        PipelineError: empty or too long message, candidate no longer visible.
        TransitionError: the match is not shortlisted.
    """
    _check_zone(match.need, recruiter)
    message = message.strip()
    if not message:
        raise PipelineError(_l("Write a message to the candidate."))
    if len(message) > MAX_MESSAGE:
        raise PipelineError(_l("The message can be at most %(n)d characters long.", n=MAX_MESSAGE))
    if not is_visible(candidate_of(match)):
        raise PipelineError(_l("This candidate is no longer available."))
    _move(match, MatchStage.INVITED, recruiter)
    invitation = Invitation(
        match=match, kind=InvitationKind.INVITATION, sender_id=recruiter.id, message=message
    )
    db.session.add(invitation)
    need, zone = match.need, match.need.zone
    for email, locale, name in _recipients(match):
        send_after_commit(
            email,
            "invitation",
            locale,
            name=name,
            zone_name=zone.name_in(locale or "en"),
            recruiter_name=recruiter.display_name,
            need_title=need.title,
            message=message,
            link=absolute_url(INBOX_PATH),
        )
    return invitation


# --- the board and the export -----------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineItem:
    match: Match
    card: CandidateCard
    moves: list[MatchStage]


@dataclass(frozen=True)
class Pipeline:
    columns: list[tuple[MatchStage, list[PipelineItem]]]
    dismissed: list[PipelineItem]
    unavailable: int  # candidates withdrawn, suspended or barred since they were matched


def pipeline_item(match: Match, user: User, locale: str) -> PipelineItem:
    card = card_of(candidate_of(match), locale, contact=contact_visible(match, user))
    return PipelineItem(match, card, board_moves(match))


def list_pipeline(need: ZoneNeed, user: User, locale: str) -> Pipeline:
    """The need's matches by stage, best score first, as ``user`` may see them."""
    by_stage: dict[str, list[PipelineItem]] = {stage: [] for stage in [*BOARD_STAGES, MatchStage.DISMISSED]}
    unavailable = 0
    barred = blacklisted_institution_ids()
    for match in sorted(need.matches, key=lambda m: (-m.score, m.id)):
        if not is_visible(candidate_of(match), barred):
            unavailable += 1
            continue
        by_stage[match.stage].append(pipeline_item(match, user, locale))
    columns = [(stage, by_stage[stage]) for stage in BOARD_STAGES]
    return Pipeline(columns, by_stage[MatchStage.DISMISSED], unavailable)


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (=, +, -, @ at the start)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def shortlist_csv(need: ZoneNeed, user: User, locale: str) -> str:
    """The need's shortlist as CSV text with a BOM (spreadsheets then read it as UTF-8).

    Columns are in the reader's language; contact columns are filled for accepted matches only.
    """
    _check_zone(need, user)
    header = [
        _("Stage"),
        _("Score"),
        _("Kind"),
        _("Name"),
        _("Headline or title"),
        _("Country"),
        _("Languages"),
        _("Services"),
        _("Technical fields"),
        _("Qualifications"),
        _("Years of experience"),
        _("Last move"),
        _("Contact person"),
        _("Email"),
        _("Phone"),
    ]
    kind_titles = {
        "professional": _("Professional"),
        "institution": _("Institution"),
        "opportunity": _("Opportunity"),
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    barred = blacklisted_institution_ids()
    matches = sorted(
        (m for m in need.matches if m.stage in EXPORTED_STAGES and is_visible(candidate_of(m), barred)),
        key=lambda m: (BOARD_STAGES.index(m.stage), -m.score, m.id),
    )
    for match in matches:
        card = pipeline_item(match, user, locale).card
        contact = card.contact
        writer.writerow(
            _cell(value)
            for value in [
                label("status", match.stage),
                round(match.score),
                kind_titles[kind_of(match)],
                card.name,
                card.headline,
                country_name(card.country) if card.country else "",
                ", ".join(language_name(code) for code, _level in card.languages),
                ", ".join(label("service", code) for code in card.services),
                ", ".join(label("field", code) for code in card.fields),
                ", ".join(label("qualification", code) for code in card.qualifications),
                "" if card.years_experience is None else card.years_experience,
                match.moved_at.date().isoformat() if match.moved_at else "",
                contact.name if contact else "",
                ", ".join(contact.emails) if contact else "",
                contact.phone if contact else "",
            ]
        )
    return "\ufeff" + buffer.getvalue()
