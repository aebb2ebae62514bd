"""Service-trade opportunities: offers and requests of IP services across borders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.dbtypes import UTCDateTime, enum_type, utcnow
from app.extensions import db
from app.taxonomy import Direction, Service
from app.workflow import OpportunityStatus


class Opportunity(db.Model):
    """An offer or request posted by an approved professional or institution."""

    __tablename__ = "opportunities"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    profile_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("professional_profiles.id", ondelete="CASCADE"), index=True
    )
    institution_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    direction: so.Mapped[Direction] = so.mapped_column(enum_type(Direction, "direction"))
    service: so.Mapped[Service] = so.mapped_column(enum_type(Service, "service"))
    fields: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    jurisdictions: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    lang: so.Mapped[str] = so.mapped_column(sa.String(16))
    budget_amount: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(14, 2))
    currency: so.Mapped[str | None] = so.mapped_column(sa.String(3))
    deadline: so.Mapped[date]
    status: so.Mapped[OpportunityStatus] = so.mapped_column(
        enum_type(OpportunityStatus, "opportunity_status"), default=OpportunityStatus.DRAFT, index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    profile = so.relationship("ProfessionalProfile")
    institution = so.relationship("Institution")

    __table_args__ = (
        sa.CheckConstraint("(profile_id IS NULL) <> (institution_id IS NULL)", name="one_owner"),
        sa.CheckConstraint("budget_amount IS NULL OR budget_amount >= 0", name="budget_not_negative"),
        sa.CheckConstraint("(budget_amount IS NULL) = (currency IS NULL)", name="budget_has_currency"),
    )

    def __repr__(self) -> str:
        return f"<Opportunity {self.id} {self.direction} {self.status}>"
