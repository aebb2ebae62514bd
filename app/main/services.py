"""Read helpers for the public pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile
from app.workflow import ApplicationStatus, NeedStatus, OpportunityStatus
from app.zones.models import Zone, ZoneNeed


@dataclass(frozen=True)
class PlatformCounts:
    professionals: int
    institutions: int
    open_needs: int
    open_opportunities: int


def get_platform_counts() -> PlatformCounts:
    def count(model, condition) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(condition))

    return PlatformCounts(
        professionals=count(ProfessionalProfile, ProfessionalProfile.status == ApplicationStatus.APPROVED),
        institutions=count(Institution, Institution.status == ApplicationStatus.APPROVED),
        open_needs=count(ZoneNeed, ZoneNeed.status == NeedStatus.OPEN),
        open_opportunities=count(Opportunity, Opportunity.status == OpportunityStatus.OPEN),
    )


def list_zones_with_open_needs() -> list[tuple[Zone, int]]:
    """Every zone with its number of open needs, by zone code."""
    open_needs = (
        sa.select(sa.func.count(ZoneNeed.id))
        .where(ZoneNeed.zone_id == Zone.id, ZoneNeed.status == NeedStatus.OPEN)
        .scalar_subquery()
    )
    return [
        (zone, count) for zone, count in db.session.execute(sa.select(Zone, open_needs).order_by(Zone.code))
    ]


def check_database() -> str:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return "unavailable"
    return "ok"


def read_index_status(index_dir: Path) -> dict[str, dict]:
    """Per index kind: its manifest's model and count, or "missing"/"corrupt" (no index is loaded)."""
    status = {}
    for manifest_path in sorted(index_dir.glob("*/manifest.json")):
        try:
            manifest = json.loads(manifest_path.read_text())
            status[manifest_path.parent.name] = {
                "state": "ok",
                "count": manifest["count"],
                "model": manifest["model"],
            }
        except (OSError, ValueError, KeyError):
            status[manifest_path.parent.name] = {"state": "corrupt"}
    return status
