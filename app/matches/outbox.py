"""Mail that leaves only once the transaction that caused it has committed.

Services flush and never commit, so a service that mailed at once could tell a candidate about an
invitation that a failed commit then undid. ``send_after_commit`` keeps the message in the
session until the commit succeeds; a rollback drops it. The context must hold plain values: after
a commit the session's objects are expired and cannot be read inside the commit hook.
"""

from __future__ import annotations

import logging
import smtplib

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context, request
from flask_sqlalchemy.session import Session as FlaskSession

from app.extensions import db
from app.mail import send_mail

logger = logging.getLogger(__name__)
OUTBOX_KEY = "ipbridge.outbox"


def send_after_commit(to: str, template: str, locale: str | None, **context) -> None:
    """Send ``mail/<template>.txt`` to ``to`` once the current transaction commits."""
    db.session.info.setdefault(OUTBOX_KEY, []).append((to, template, locale, context))


def deliver(to: str, template: str, locale: str | None, **context) -> bool:
    """Send now; a mail server failure is logged, not raised (what caused the mail is committed)."""
    try:
        send_mail(to, template, locale, **context)
    except (OSError, smtplib.SMTPException):
        logger.exception("could not send %s mail to %s", template, to)
        return False
    return True


def absolute_url(path: str) -> str:
    """``path`` on this site, as a link for a mail (the request's host, else ``SERVER_NAME``)."""
    if has_request_context():
        return request.host_url.rstrip("/") + path
    server = current_app.config.get("SERVER_NAME") if has_app_context() else None
    if server:
        return f"{current_app.config.get('PREFERRED_URL_SCHEME', 'http')}://{server}{path}"
    return path


@sa.event.listens_for(FlaskSession, "after_commit")
def _send_queued(session) -> None:
    queued = session.info.pop(OUTBOX_KEY, None)
    if not queued or not has_app_context():
        return
    for to, template, locale, context in queued:
        deliver(to, template, locale, **context)


@sa.event.listens_for(FlaskSession, "after_rollback")
def _drop_queued(session) -> None:
    session.info.pop(OUTBOX_KEY, None)
