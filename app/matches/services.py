"""Matching operations the views and the CLI share."""

from __future__ import annotations

from app.matches.documents import query_for_need
from app.matches.engine import ensure_loaded
from app.zones.models import ZoneNeed
from matching.types import Filters, Query, SearchResult


def match_need(
    need: ZoneNeed, kind: str, *, filters: Filters | None = None, k: int = 20, offset: int = 0
) -> SearchResult:
    """Candidates of ``kind`` for ``need``, with the need's hard requirements applied."""
    query = query_for_need(need, kind)
    if filters is not None:
        query = Query(query.text, query.lang, query.requirements, filters)
    return ensure_loaded(kind).search(kind, query, k, offset)


def search_text(
    text: str, kind: str, *, filters: Filters | None = None, k: int = 20, offset: int = 0
) -> SearchResult:
    """Free-text search in any language over approved records of ``kind``."""
    return ensure_loaded(kind).search(kind, Query(text, filters=filters or Filters()), k, offset)
