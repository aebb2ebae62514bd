"""Officers' reviews, the blacklist of barred providers, screening hits and officers' match comments."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.dbtypes import UTCDateTime, enum_type, utcnow
from app.extensions import db


class ReviewTarget(StrEnum):
    PROFILE = "profile"
    INSTITUTION = "institution"
    MATCH = "match"


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


DECISION_TITLES = {Decision.APPROVED: _l("Approve"), Decision.REJECTED: _l("Reject")}


class ReviewReason(StrEnum):
    """Why an application was decided as it was; the applicant reads the title in their language."""

    MEETS_REQUIREMENTS = "meets_requirements"
    INCOMPLETE = "incomplete"
    QUALIFICATION_UNVERIFIABLE = "qualification_unverifiable"
    BLACKLISTED = "blacklisted"
    DUPLICATE = "duplicate"
    OUT_OF_SCOPE = "out_of_scope"
    OTHER = "other"


REVIEW_REASON_TITLES = {
    ReviewReason.MEETS_REQUIREMENTS: _l("The application meets the requirements"),
    ReviewReason.INCOMPLETE: _l("The application is incomplete"),
    ReviewReason.QUALIFICATION_UNVERIFIABLE: _l("A qualification could not be verified"),
    ReviewReason.BLACKLISTED: _l("The provider is barred for illegal agency services"),
    ReviewReason.DUPLICATE: _l("The application duplicates another one"),
    ReviewReason.OUT_OF_SCOPE: _l("The services offered are outside the zones' scope"),
    ReviewReason.OTHER: _l("Another reason, explained in the comment"),
}

#: The reasons an officer may give for each decision.
REASONS_FOR = {
    Decision.APPROVED: (ReviewReason.MEETS_REQUIREMENTS, ReviewReason.OTHER),
    Decision.REJECTED: tuple(r for r in ReviewReason if r != ReviewReason.MEETS_REQUIREMENTS),
}


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
    updated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, onupdate=utcnow)

    hits = so.relationship("ScreeningHit", back_populates="entry", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<BlacklistEntry {self.id} {self.name!r}>"


class HitStatus(StrEnum):
    OPEN = "open"
    SUSPENDED = "suspended"  # the officer suspended the provider
    DISMISSED = "dismissed"  # the officer found it was not the barred provider


HIT_STATUS_TITLES = {
    HitStatus.OPEN: _l("Waiting for a decision"),
    HitStatus.SUSPENDED: _l("Provider suspended"),
    HitStatus.DISMISSED: _l("Dismissed: not the barred provider"),
}


class ScreeningHit(db.Model):
    """An approved provider that matches a blacklist entry, found when the blacklist changed.

    Hits are not acted on automatically (a fuzzy name match can be wrong): an officer suspends the
    provider or dismisses the hit. A dismissed hit is not raised again for the same entry.
    """

    __tablename__ = "screening_hits"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    target_type: so.Mapped[ReviewTarget] = so.mapped_column(enum_type(ReviewTarget, "review_target"))
    target_id: so.Mapped[int]
    entry_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("blacklist_entries.id", ondelete="CASCADE"), index=True
    )
    matched_on: so.Mapped[str] = so.mapped_column(sa.String(20))  # "name" or "registration_number"
    matched_value: so.Mapped[str] = so.mapped_column(sa.String(200))
    score: so.Mapped[int]
    status: so.Mapped[HitStatus] = so.mapped_column(
        enum_type(HitStatus, "hit_status"), default=HitStatus.OPEN, index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    entry = so.relationship("BlacklistEntry", back_populates="hits")
    decided_by = so.relationship("User")

    __table_args__ = (sa.UniqueConstraint("target_type", "target_id", "entry_id"),)

    def __repr__(self) -> str:
        return f"<ScreeningHit {self.target_type}:{self.target_id} entry={self.entry_id} {self.status}>"


class MatchComment(db.Model):
    """An officer's comment on a match under review (recruiters' pipeline notes are MatchNote)."""

    __tablename__ = "match_comments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    match_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    author = so.relationship("User")

    def __repr__(self) -> str:
        return f"<MatchComment {self.id} match={self.match_id}>"
