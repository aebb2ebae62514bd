"""Operations on zones and their needs."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit.services import record_event
from app.errors import DomainError, PermissionDeniedError
from app.extensions import db
from app.taxonomy import NeedKind
from app.textlang import resolve_language
from app.workflow import NEED_WORKFLOW, NeedStatus, Role
from app.zones.models import ZoneNeed

#: The status changes a recruiter makes with a button, by action name.
NEED_ACTIONS = {"publish": NeedStatus.OPEN, "close": NeedStatus.CLOSED, "reopen": NeedStatus.OPEN}


def list_needs_of_zone(zone_id: int, page: int, per_page: int = 20):
    """A page of the zone's needs, newest first."""
    query = (
        sa.select(ZoneNeed)
        .where(ZoneNeed.zone_id == zone_id)
        .order_by(ZoneNeed.created_at.desc(), ZoneNeed.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def list_open_needs(zone_id: int) -> list[ZoneNeed]:
    """The zone's needs a candidate can still be shortlisted for (draft or open), newest first."""
    query = (
        sa.select(ZoneNeed)
        .where(ZoneNeed.zone_id == zone_id, ZoneNeed.status != NeedStatus.CLOSED)
        .order_by(ZoneNeed.created_at.desc(), ZoneNeed.id.desc())
    )
    return list(db.session.scalars(query))


def get_need_of_zone(recruiter: User, need_id: int) -> ZoneNeed | None:
    """The need, if it belongs to the recruiter's zone (another zone's need does not exist for them)."""
    need = db.session.get(ZoneNeed, need_id)
    return need if need is not None and need.zone_id == recruiter.zone_id else None


@dataclass(frozen=True)
class NeedInput:
    kind: NeedKind
    title: str
    description: str
    lang: str  # ISO 639-1, or "auto" to detect it from the text
    required_languages: list[dict]
    services: list[str]
    fields: list[str]
    required_qualifications: list[str]
    min_experience: int
    openings: int
    deadline: date | None


def _values(data: NeedInput) -> dict:
    values = asdict(data)
    values["title"] = data.title.strip()
    values["description"] = data.description.strip()
    values["lang"] = resolve_language(data.lang, f"{values['title']}\n{values['description']}")
    return values


def _check_recruiter(recruiter: User, zone_id: int | None = None) -> None:
    if recruiter.role != Role.RECRUITER or recruiter.zone_id is None:
        raise PermissionDeniedError(_l("Only a zone recruiter can manage the zone’s needs."))
    if zone_id is not None and zone_id != recruiter.zone_id:
        raise PermissionDeniedError(_l("This need belongs to another zone."))


def create_need(recruiter: User, data: NeedInput, *, publish: bool) -> ZoneNeed:
    """Create a need of the recruiter's zone, as a draft or published at once."""
    _check_recruiter(recruiter)
    need = ZoneNeed(
        zone_id=recruiter.zone_id,
        status=NeedStatus.DRAFT,
        created_by_id=recruiter.id,
        **_values(data),
    )
    db.session.add(need)
    record_event(recruiter, "need.create", need, after={"status": str(NeedStatus.DRAFT)})
    if publish:
        NEED_WORKFLOW.apply(need, NeedStatus.OPEN, recruiter)
    return need


def update_need(need: ZoneNeed, recruiter: User, data: NeedInput) -> ZoneNeed:
    """Change what a need asks for; its kind is fixed once candidates are in its pipeline.

    Raises:
        DomainError: the kind would change under existing matches.
    """
    _check_recruiter(recruiter, need.zone_id)
    values = _values(data)
    if values["kind"] != need.kind and need.matches:
        raise DomainError(_l("Candidates are in this need’s pipeline already: its kind cannot change."))
    changed = sorted(name for name, value in values.items() if getattr(need, name) != value)
    for name in changed:
        setattr(need, name, values[name])
    if changed:
        record_event(recruiter, "need.edit", need, after={"fields": changed})
    return need


def need_actions(need: ZoneNeed) -> list[str]:
    """The status buttons a recruiter sees for the need."""
    return [
        action
        for action, target in NEED_ACTIONS.items()
        if (t := NEED_WORKFLOW.find(need.status, target)) is not None
        and t.action == action
        and Role.RECRUITER in t.roles
    ]


def change_need_status(need: ZoneNeed, recruiter: User, action: str) -> ZoneNeed:
    """Publish, close or reopen a need; the workflow refuses what does not apply and audits the rest."""
    _check_recruiter(recruiter, need.zone_id)
    target = NEED_ACTIONS.get(action)
    transition = NEED_WORKFLOW.find(need.status, target) if target else None
    if target is None or (transition is not None and transition.action != action):
        raise DomainError(_l("This action does not apply to the need now."))
    NEED_WORKFLOW.apply(need, NEED_ACTIONS[action], recruiter)
    return need
