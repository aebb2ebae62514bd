"""Writing audit events."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

from app.audit.models import AuditEvent
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User

# Set by the web layer for each request, so services record the address without reading `request`.
remote_addr_var: ContextVar[str | None] = ContextVar("remote_addr", default=None)


def record_event(
    actor: User | None,
    action: str,
    target,
    *,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add an AuditEvent for ``action`` on ``target`` (a model instance, or None) and flush it."""
    if target is not None and target.id is None:
        db.session.flush()  # the target needs its id before the event can point at it
    event = AuditEvent(
        actor=actor,
        actor_role=str(actor.role) if actor is not None else "system",
        action=action,
        target_type=target.__tablename__ if target is not None else "none",
        target_id=target.id if target is not None else None,
        before=before,
        after=after,
        remote_addr=remote_addr_var.get(),
    )
    db.session.add(event)
    db.session.flush()
    return event
