"""User accounts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from app.dbtypes import UTCDateTime, enum_type, utcnow
from app.extensions import db
from app.workflow import Role

UNUSABLE_PASSWORD = "!"  # never the output of a password hash function


class ApplicantKind(StrEnum):
    """What an applicant registered as: their application is a profile or an institution."""

    PROFESSIONAL = "professional"
    INSTITUTION = "institution"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    display_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    role: so.Mapped[Role] = so.mapped_column(enum_type(Role, "user_role"))
    applicant_kind: so.Mapped[ApplicantKind | None] = so.mapped_column(
        enum_type(ApplicantKind, "applicant_kind")
    )
    zone_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("zones.id", ondelete="RESTRICT"), index=True
    )
    institution_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("institutions.id", ondelete="SET NULL"), index=True
    )
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    email_verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    consent_version: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    consented_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    zone = so.relationship("Zone")
    institution = so.relationship(
        "Institution", foreign_keys=[institution_id], back_populates="representatives"
    )
    profile = so.relationship("ProfessionalProfile", back_populates="user", uselist=False)

    __table_args__ = (
        sa.CheckConstraint("role <> 'recruiter' OR zone_id IS NOT NULL", name="recruiter_has_zone"),
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def set_unusable_password(self) -> None:
        """For accounts nobody signs in to (the people of the demo data set)."""
        self.password_hash = UNUSABLE_PASSWORD

    def check_password(self, password: str) -> bool:
        if self.password_hash == UNUSABLE_PASSWORD:
            return False
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


class LoginAttempt(db.Model):
    """One sign-in attempt, kept for rate limiting per account and per address."""

    __tablename__ = "login_attempts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), index=True)
    remote_addr: so.Mapped[str | None] = so.mapped_column(sa.String(45), index=True)
    succeeded: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.email} {self.succeeded}>"
