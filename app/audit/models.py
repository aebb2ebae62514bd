"""The append-only audit trail."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db


class AuditEvent(db.Model):
    """Who did what to which object, when and from where.

    Holds statuses and decisions, never personal data: deleting an account leaves its events with
    no actor and nothing that names the person.
    """

    __tablename__ = "audit_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_role: so.Mapped[str] = so.mapped_column(sa.String(16))
    action: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    target_type: so.Mapped[str] = so.mapped_column(sa.String(32))
    target_id: so.Mapped[int | None]
    before: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    after: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    remote_addr: so.Mapped[str | None] = so.mapped_column(sa.String(45))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)

    actor = so.relationship("User", foreign_keys=[actor_id])

    __table_args__ = (sa.Index("ix_audit_events_target", "target_type", "target_id"),)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.target_type}:{self.target_id}>"


@sa.event.listens_for(AuditEvent, "before_update")
@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, event: AuditEvent) -> None:
    raise RuntimeError("audit events are append-only")
