"""Translated titles of every code the interface shows (taxonomies, statuses, roles)."""

from __future__ import annotations

from app import taxonomy as t
from app.supervision.models import REVIEW_REASON_TITLES
from app.workflow import ROLE_TITLES, STATUS_TITLES

TITLES = {
    "service": t.SERVICE_TITLES,
    "profession": t.PROFESSION_TITLES,
    "field": t.TECH_FIELD_TITLES,
    "qualification": {code: kind.title for code, kind in t.QUALIFICATIONS.items()},
    "institution_type": t.INSTITUTION_TYPE_TITLES,
    "intent": t.INTENT_TITLES,
    "engagement": t.ENGAGEMENT_TITLES,
    "availability": t.AVAILABILITY_TITLES,
    "language_level": t.LANGUAGE_LEVEL_TITLES,
    "need_kind": t.NEED_KIND_TITLES,
    "direction": t.DIRECTION_TITLES,
    "zone_level": t.ZONE_LEVEL_TITLES,
    "status": STATUS_TITLES,
    "role": ROLE_TITLES,
    "review_reason": REVIEW_REASON_TITLES,
}


def label(kind: str, code: str | None) -> str:
    """The title of ``code`` in the current locale; an unknown code is shown as it is."""
    if code is None:
        return ""
    return str(TITLES[kind].get(code, code))
