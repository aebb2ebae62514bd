"""Operations on zones and their needs."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.zones.models import ZoneNeed


def list_needs_of_zone(zone_id: int, page: int, per_page: int = 20):
    """A page of the zone's needs, newest first."""
    query = (
        sa.select(ZoneNeed)
        .where(ZoneNeed.zone_id == zone_id)
        .order_by(ZoneNeed.created_at.desc(), ZoneNeed.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
