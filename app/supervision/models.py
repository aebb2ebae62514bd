"""Officers' reviews and the blacklist of barred providers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.dbtypes import UTCDateTime, enum_type, utcnow
from app.extensions import db


class ReviewTarget(StrEnum):
    PROFILE = "profile"
    INSTITUTION = "institution"
    MATCH = "match"


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class Review(db.Model):
    """An officer's decision on an application or a match, with the automatic checks it saw."""

    __tablename__ = "reviews"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    target_type: so.Mapped[ReviewTarget] = so.mapped_column(enum_type(ReviewTarget, "review_target"))
    target_id: so.Mapped[int]
    officer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    checks: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    decision: so.Mapped[Decision] = so.mapped_column(enum_type(Decision, "decision"))
    reason_code: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    comment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    officer = so.relationship("User")

    __table_args__ = (sa.Index("ix_reviews_target", "target_type", "target_id"),)

    def __repr__(self) -> str:
        return f"<Review {self.target_type}:{self.target_id} {self.decision}>"


class BlacklistEntry(db.Model):
    """A provider barred for illegal patent or trademark agency services."""

    __tablename__ = "blacklist_entries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    registration_number: so.Mapped[str | None] = so.mapped_column(sa.String(60), index=True)
    country: so.Mapped[str | None] = so.mapped_column(sa.String(2))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    source: so.Mapped[str] = so.mapped_column(sa.String(200))
    listed_on: so.Mapped[date]
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<BlacklistEntry {self.id} {self.name!r}>"
