"""The officers' dashboard: counts, the matching funnel, time to review, and bar charts as SVG.

Definitions (also stated on the page):
- by status: every professional profile and institution, whatever its status;
- by country, language and service: approved providers only (what the zones can draw on); a
  provider counts once for each language and each service it lists; services also count the open
  needs that ask for them;
- by zone: open needs, approved matches of its needs, and approved institutions that target it;
- funnel: needs that were published (not drafts) → matches proposed (all) → matches that reached
  an invitation (invited or any later stage) → accepted (accepted, approved or rejected by an
  officer) → approved by an officer;
- time to review: median of reviewed_at − submitted_at over decided applications.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.matches.models import Match
from app.profiles.models import Institution, ProfessionalProfile, institution_zones
from app.workflow import ApplicationStatus, MatchStage, NeedStatus
from app.zones.models import Zone, ZoneNeed

INVITED_OR_LATER = (
    MatchStage.INVITED,
    MatchStage.ACCEPTED,
    MatchStage.DECLINED,
    MatchStage.APPROVED,
    MatchStage.REJECTED,
)
ACCEPTED_OR_LATER = (MatchStage.ACCEPTED, MatchStage.APPROVED, MatchStage.REJECTED)


@dataclass(frozen=True)
class Split:
    """One row of a table: professionals and institutions (and, for services, open needs)."""

    key: str
    professionals: int = 0
    institutions: int = 0
    needs: int = 0

    @property
    def providers(self) -> int:
        return self.professionals + self.institutions


@dataclass(frozen=True)
class ZoneRow:
    zone: Zone
    open_needs: int
    approved_matches: int
    institutions: int


@dataclass(frozen=True)
class Dashboard:
    by_status: list[Split]
    by_country: list[Split]
    by_language: list[Split]
    by_service: list[Split]
    by_zone: list[ZoneRow]
    funnel: list[tuple[str, int]]  # (step code, count)
    median_review: timedelta | None
    reviewed: int


def _status_counts(model) -> Counter:
    rows = db.session.execute(sa.select(model.status, sa.func.count()).group_by(model.status))
    return Counter({str(status): count for status, count in rows})


def _splits(professionals: Counter, institutions: Counter, needs: Counter | None = None) -> list[Split]:
    needs = needs or Counter()
    keys = set(professionals) | set(institutions) | set(needs)
    rows = [Split(key, professionals[key], institutions[key], needs[key]) for key in keys]
    return sorted(rows, key=lambda row: (-row.providers, -row.needs, row.key))


def _approved(*columns):
    return [
        db.session.execute(
            sa.select(*[getattr(model, c) for c in columns]).where(model.status == ApplicationStatus.APPROVED)
        ).all()
        for model in (ProfessionalProfile, Institution)
    ]


def _median_review() -> tuple[timedelta | None, int]:
    durations = []
    for model in (ProfessionalProfile, Institution):
        rows = db.session.execute(
            sa.select(model.submitted_at, model.reviewed_at).where(
                model.submitted_at.is_not(None), model.reviewed_at.is_not(None)
            )
        )
        durations += [
            (reviewed - submitted).total_seconds() for submitted, reviewed in rows if reviewed >= submitted
        ]
    if not durations:
        return None, 0
    return timedelta(seconds=statistics.median(durations)), len(durations)


def _zones() -> list[ZoneRow]:
    open_needs = Counter(
        dict(
            db.session.execute(
                sa.select(ZoneNeed.zone_id, sa.func.count())
                .where(ZoneNeed.status == NeedStatus.OPEN)
                .group_by(ZoneNeed.zone_id)
            ).all()
        )
    )
    approved_matches = Counter(
        dict(
            db.session.execute(
                sa.select(ZoneNeed.zone_id, sa.func.count(Match.id))
                .join(Match, Match.need_id == ZoneNeed.id)
                .where(Match.stage == MatchStage.APPROVED)
                .group_by(ZoneNeed.zone_id)
            ).all()
        )
    )
    institutions = Counter(
        dict(
            db.session.execute(
                sa.select(institution_zones.c.zone_id, sa.func.count())
                .join(Institution, Institution.id == institution_zones.c.institution_id)
                .where(Institution.status == ApplicationStatus.APPROVED)
                .group_by(institution_zones.c.zone_id)
            ).all()
        )
    )
    zones = db.session.scalars(sa.select(Zone).order_by(Zone.code))
    return [ZoneRow(z, open_needs[z.id], approved_matches[z.id], institutions[z.id]) for z in zones]


def _funnel() -> list[tuple[str, int]]:
    def count(model, *conditions) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))

    return [
        ("needs", count(ZoneNeed, ZoneNeed.status != NeedStatus.DRAFT)),
        ("proposals", count(Match)),
        ("invitations", count(Match, Match.stage.in_(INVITED_OR_LATER))),
        ("accepted", count(Match, Match.stage.in_(ACCEPTED_OR_LATER))),
        ("approved", count(Match, Match.stage == MatchStage.APPROVED)),
    ]


def build_dashboard() -> Dashboard:
    professionals, institutions = _approved("country", "languages", "services")
    countries = [Counter(row.country for row in rows) for rows in (professionals, institutions)]
    languages = [
        Counter(code for row in professionals for code in {entry["code"] for entry in row.languages}),
        Counter(code for row in institutions for code in set(row.languages)),
    ]
    services = [
        Counter(code for row in rows for code in set(row.services)) for rows in (professionals, institutions)
    ]
    open_need_services = Counter(
        code
        for (codes,) in db.session.execute(
            sa.select(ZoneNeed.services).where(ZoneNeed.status == NeedStatus.OPEN)
        )
        for code in set(codes)
    )
    median, reviewed = _median_review()
    profile_statuses, institution_statuses = _status_counts(ProfessionalProfile), _status_counts(Institution)
    return Dashboard(
        by_status=[
            Split(str(status), profile_statuses[status], institution_statuses[status])
            for status in ApplicationStatus
        ],
        by_country=_splits(*countries),
        by_language=_splits(*languages),
        by_service=_splits(*services, open_need_services),
        by_zone=_zones(),
        funnel=_funnel(),
        median_review=median,
        reviewed=reviewed,
    )
