"""Professional profiles, their qualifications, and institutions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.dbtypes import UTCDateTime, enum_type, utcnow
from app.extensions import db
from app.taxonomy import Availability, InstitutionSize, InstitutionType, Intent, QualificationType
from app.workflow import ApplicationStatus


class ApplicationMixin:
    """Review state shared by both kinds of application."""

    status: so.Mapped[ApplicationStatus] = so.mapped_column(
        enum_type(ApplicationStatus, "application_status"), default=ApplicationStatus.DRAFT, index=True
    )
    submitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reviewed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    review_reason: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    review_comment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: two officers deciding the same application cannot both win.
    version_id: so.Mapped[int] = so.mapped_column(default=1)


class ProfessionalProfile(ApplicationMixin, db.Model):
    """An IP professional's application and public profile."""

    __tablename__ = "professional_profiles"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    full_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    phone: so.Mapped[str | None] = so.mapped_column(
        sa.String(40)
    )  # contact data: shown after acceptance only
    headline: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    lang: so.Mapped[str] = so.mapped_column(sa.String(16))
    professions: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    services: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    fields: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    languages: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)  # [{"code": "fr", "level": "C1"}]
    years_experience: so.Mapped[int] = so.mapped_column(default=0)
    country: so.Mapped[str] = so.mapped_column(sa.String(2))
    city: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    willing_to_relocate: so.Mapped[bool] = so.mapped_column(default=False)
    engagement_types: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    availability: so.Mapped[Availability | None] = so.mapped_column(enum_type(Availability, "availability"))

    user = so.relationship("User", back_populates="profile")
    qualifications = so.relationship(
        "Qualification", back_populates="profile", cascade="all, delete-orphan", order_by="Qualification.id"
    )

    __mapper_args__ = {"version_id_col": ApplicationMixin.version_id}  # noqa: RUF012
    __table_args__ = (
        sa.CheckConstraint("years_experience >= 0 AND years_experience <= 70", name="years_experience_range"),
    )

    def __repr__(self) -> str:
        return f"<ProfessionalProfile {self.id} {self.status}>"


class Qualification(db.Model):
    """A professional qualification; an officer can mark it verified."""

    __tablename__ = "qualifications"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    profile_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("professional_profiles.id", ondelete="CASCADE"), index=True
    )
    type: so.Mapped[QualificationType] = so.mapped_column(enum_type(QualificationType, "qualification_type"))
    jurisdiction: so.Mapped[str] = so.mapped_column(sa.String(4))
    number: so.Mapped[str] = so.mapped_column(sa.String(40))
    is_verified: so.Mapped[bool] = so.mapped_column(default=False)
    verified_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    profile = so.relationship("ProfessionalProfile", back_populates="qualifications")

    __table_args__ = (sa.UniqueConstraint("profile_id", "type", "number"),)

    def __repr__(self) -> str:
        return f"<Qualification {self.type} {self.jurisdiction}>"


institution_zones = sa.Table(
    "institution_zones",
    db.metadata,
    sa.Column("institution_id", sa.ForeignKey("institutions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("zone_id", sa.ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
)


class Institution(ApplicationMixin, db.Model):
    """A (mostly foreign) IP institution that wants to operate in one or more zones."""

    __tablename__ = "institutions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    legal_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    names: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)  # locale -> name in other scripts
    country: so.Mapped[str] = so.mapped_column(sa.String(2))
    type: so.Mapped[InstitutionType] = so.mapped_column(enum_type(InstitutionType, "institution_type"))
    services: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    jurisdictions: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    languages: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)  # ISO 639-1 codes
    registration_number: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    size: so.Mapped[InstitutionSize | None] = so.mapped_column(enum_type(InstitutionSize, "institution_size"))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    lang: so.Mapped[str] = so.mapped_column(sa.String(16))
    intent: so.Mapped[Intent] = so.mapped_column(enum_type(Intent, "intent"))
    website: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    contact_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    contact_email: so.Mapped[str] = so.mapped_column(sa.String(254))
    contact_phone: so.Mapped[str | None] = so.mapped_column(sa.String(40))

    representatives = so.relationship(
        "User", back_populates="institution", foreign_keys="User.institution_id"
    )
    target_zones = so.relationship("Zone", secondary=institution_zones, order_by="Zone.id")

    __mapper_args__ = {"version_id_col": ApplicationMixin.version_id}  # noqa: RUF012

    def __repr__(self) -> str:
        return f"<Institution {self.id} {self.country} {self.status}>"

    def name_in(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get(locale.split("_")[0]) or self.legal_name
