"""Matches between a zone need and a candidate, and the invitations on them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.dbtypes import UTCDateTime, enum_type, utcnow
from app.extensions import db
from app.workflow import MatchStage


class Match(db.Model):
    """A need paired with exactly one candidate: a profile, an institution or an opportunity."""

    __tablename__ = "matches"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    need_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("zone_needs.id", ondelete="CASCADE"), index=True)
    profile_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("professional_profiles.id", ondelete="CASCADE"), index=True
    )
    institution_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    opportunity_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    score: so.Mapped[float] = so.mapped_column(default=0.0)  # calibrated, 0–100
    components: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    explanation: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    stage: so.Mapped[MatchStage] = so.mapped_column(
        enum_type(MatchStage, "match_stage"), default=MatchStage.PROPOSED, index=True
    )
    moved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    moved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    version_id: so.Mapped[int] = so.mapped_column(default=1)

    need = so.relationship("ZoneNeed", back_populates="matches")
    profile = so.relationship("ProfessionalProfile")
    institution = so.relationship("Institution")
    opportunity = so.relationship("Opportunity")
    invitations = so.relationship(
        "Invitation", back_populates="match", cascade="all, delete-orphan", order_by="Invitation.id"
    )
    notes = so.relationship(
        "MatchNote", back_populates="match", cascade="all, delete-orphan", order_by="MatchNote.id"
    )

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN profile_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN institution_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN opportunity_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_candidate",
        ),
        sa.UniqueConstraint("need_id", "profile_id"),
        sa.UniqueConstraint("need_id", "institution_id"),
        sa.UniqueConstraint("need_id", "opportunity_id"),
    )

    def __repr__(self) -> str:
        return f"<Match {self.id} need={self.need_id} {self.stage}>"


class InvitationKind(StrEnum):
    INVITATION = "invitation"  # from a recruiter to a candidate
    INTEREST = "interest"  # a candidate's expression of interest in a need


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    match_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[InvitationKind] = so.mapped_column(enum_type(InvitationKind, "invitation_kind"))
    sender_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[InvitationStatus] = so.mapped_column(
        enum_type(InvitationStatus, "invitation_status"), default=InvitationStatus.PENDING
    )
    answer: so.Mapped[str | None] = so.mapped_column(sa.Text)
    answered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    match = so.relationship("Match", back_populates="invitations")
    sender = so.relationship("User")

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.kind} {self.status}>"


class MatchNote(db.Model):
    """A recruiter's note on a candidate in a need's pipeline; notes are kept, never edited.

    ``Match.note`` holds one text; the pipeline needs several notes, each with its author and time.
    """

    __tablename__ = "match_notes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    match_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    match = so.relationship("Match", back_populates="notes")
    author = so.relationship("User")

    def __repr__(self) -> str:
        return f"<MatchNote {self.id} match={self.match_id}>"


class CandidateKind(StrEnum):
    """What a saved search looks for (the matcher's record kinds, needs excepted)."""

    PROFESSIONAL = "professional"
    INSTITUTION = "institution"
    OPPORTUNITY = "opportunity"


class SavedSearch(db.Model):
    """A recruiter's standing search: a followed need, or a free-text query, with its filters.

    When a candidate of ``kind`` is approved (or an opportunity opens) and scores at least
    ``threshold`` for it, the recruiter gets an Alert.
    """

    __tablename__ = "saved_searches"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recruiter_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    need_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("zone_needs.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    query_text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    kind: so.Mapped[CandidateKind] = so.mapped_column(enum_type(CandidateKind, "candidate_kind"), index=True)
    filters: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    threshold: so.Mapped[int] = so.mapped_column(default=60)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    recruiter = so.relationship("User")
    need = so.relationship("ZoneNeed")
    alerts = so.relationship("Alert", back_populates="saved_search", cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("threshold >= 0 AND threshold <= 100", name="threshold_range"),
        sa.CheckConstraint("need_id IS NOT NULL OR query_text IS NOT NULL", name="need_or_text"),
    )

    def __repr__(self) -> str:
        return f"<SavedSearch {self.id} {self.kind} need={self.need_id}>"


class Alert(db.Model):
    """A newly approved candidate that scored above a saved search's threshold."""

    __tablename__ = "alerts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recruiter_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    saved_search_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True
    )
    target_kind: so.Mapped[CandidateKind] = so.mapped_column(enum_type(CandidateKind, "candidate_kind"))
    target_id: so.Mapped[int]
    score: so.Mapped[int]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    saved_search = so.relationship("SavedSearch", back_populates="alerts")

    __table_args__ = (sa.UniqueConstraint("saved_search_id", "target_kind", "target_id"),)

    def __repr__(self) -> str:
        return f"<Alert {self.id} {self.target_kind}:{self.target_id} {self.score}>"
