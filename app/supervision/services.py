"""Officer-side read operations: the audit trail."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.extensions import db


def list_audit_events(page: int, per_page: int = 50):
    query = sa.select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
