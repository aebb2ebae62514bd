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
    invitations = so.relationship("Invitation", back_populates="match", cascade="all, delete-orphan")

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

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.kind} {self.status}>"
