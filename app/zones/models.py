"""Zones and the needs they post."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.dbtypes import UTCDateTime, enum_type, utcnow
from app.extensions import db
from app.taxonomy import NeedKind, ZoneLevel
from app.workflow import NeedStatus


class Zone(db.Model):
    """A demonstration or pilot zone of the IP service industry."""

    __tablename__ = "zones"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    names: so.Mapped[dict] = so.mapped_column(sa.JSON)  # locale -> name; "en" always present
    level: so.Mapped[ZoneLevel] = so.mapped_column(enum_type(ZoneLevel, "zone_level"))
    region: so.Mapped[str] = so.mapped_column(sa.String(8))  # ISO 3166-2, e.g. CN-JS
    city: so.Mapped[str] = so.mapped_column(sa.String(80))
    clusters: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)  # TechField codes
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    lang: so.Mapped[str] = so.mapped_column(sa.String(16))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    needs = so.relationship("ZoneNeed", back_populates="zone", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Zone {self.code}>"

    def name_in(self, locale: str) -> str:
        """The zone's name in ``locale``, falling back to the language, then English."""
        return self.names.get(locale) or self.names.get(locale.split("_")[0]) or self.names["en"]


class ZoneNeed(db.Model):
    """What a zone is looking for: a professional, an institution or a cooperation partner."""

    __tablename__ = "zone_needs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    zone_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("zones.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[NeedKind] = so.mapped_column(enum_type(NeedKind, "need_kind"))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    lang: so.Mapped[str] = so.mapped_column(sa.String(16))
    required_languages: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)  # [{"code", "level"}]
    services: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    fields: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    min_experience: so.Mapped[int] = so.mapped_column(default=0)
    required_qualifications: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    openings: so.Mapped[int] = so.mapped_column(default=1)
    deadline: so.Mapped[date | None]
    status: so.Mapped[NeedStatus] = so.mapped_column(enum_type(NeedStatus, "need_status"), index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    zone = so.relationship("Zone", back_populates="needs")
    matches = so.relationship("Match", back_populates="need", cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("min_experience >= 0 AND min_experience <= 60", name="min_experience_range"),
        sa.CheckConstraint("openings >= 1", name="openings_positive"),
    )

    def __repr__(self) -> str:
        return f"<ZoneNeed {self.id} {self.kind} {self.status}>"
