"""The one matcher of the app, built from the configuration, kept in sync with the database.

The index follows the database without any view asking for it: a session hook notes every
flushed change to a profile, institution, opportunity or need (as a record, or as a removal when
it is no longer approved or open) and applies the changes once the transaction commits. A rolled
back transaction changes nothing.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession

from app.extensions import db
from app.matches.documents import KIND_OF_MODEL, MODEL_OF_KIND, is_searchable, record_of
from app.profiles.models import Qualification
from matching.types import MatcherSettings, Record

if TYPE_CHECKING:
    from matching.engine import Matcher, Progress

logger = logging.getLogger(__name__)
EXTENSION_KEY = "ipbridge.matcher"
PENDING_KEY = "ipbridge.index_pending"
READY_KEY = "ipbridge.index_ready"
_build_lock = threading.Lock()


def matcher_settings(config) -> MatcherSettings:
    return MatcherSettings(
        weight_semantic=config["MATCHING_WEIGHT_SEMANTIC"],
        weight_lexical=config["MATCHING_WEIGHT_LEXICAL"],
        weight_structured=config["MATCHING_WEIGHT_STRUCTURED"],
        hnsw_min_size=config["MATCHING_HNSW_MIN_SIZE"],
    )


def get_matcher(app: Flask | None = None) -> Matcher:
    """The app's matcher, created on first use (loading the model is deferred until it encodes)."""
    # Imported here: faiss and the encoders are loaded by the first search, not by creating the app.
    from matching.cache import EmbeddingCache
    from matching.encoder import load_encoder
    from matching.engine import Matcher

    app = app or current_app._get_current_object()
    matcher = app.extensions.get(EXTENSION_KEY)
    if matcher is None:
        with _build_lock:
            matcher = app.extensions.get(EXTENSION_KEY)
            if matcher is None:
                config = app.config
                matcher = Matcher(
                    load_encoder(config["MATCHING_ENCODER"], config["MATCHING_MODEL_DIR"]),
                    EmbeddingCache(config["INSTANCE_PATH"] / "embeddings.sqlite"),
                    config["MATCHING_INDEX_DIR"],
                    matcher_settings(config),
                )
                app.extensions[EXTENSION_KEY] = matcher
    return matcher


def searchable_records(kind: str) -> list[Record]:
    model = MODEL_OF_KIND[kind]
    rows = db.session.scalars(sa.select(model).order_by(model.id))
    return [record_of(row) for row in rows if is_searchable(row)]


def ensure_loaded(kind: str, *, rebuild: bool = False, progress: Progress | None = None) -> Matcher:
    """The matcher, with ``kind`` loaded from the database.

    Loaded again when another process (a second gunicorn worker, a CLI command) saved a newer index.
    """
    matcher = get_matcher()
    if rebuild or not matcher.is_loaded(kind) or not matcher.is_current(kind):
        matcher.load(kind, searchable_records(kind), progress, rebuild=rebuild)
    return matcher


# --- keeping the index in step with the database --------------------------------------------------


def _touched(session) -> set:
    objects = set()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(obj, Qualification) and obj.profile is not None:
            objects.add(obj.profile)
        elif type(obj) in KIND_OF_MODEL:
            objects.add(obj)
    return objects


@sa.event.listens_for(FlaskSession, "before_flush")
def _note_changes(session, flush_context, instances) -> None:
    pending = session.info.setdefault(PENDING_KEY, {})
    deleted = set(session.deleted)
    for obj in _touched(session):
        pending[obj] = obj in deleted


@sa.event.listens_for(FlaskSession, "after_flush_postexec")
def _build_records(session, flush_context) -> None:
    """Turn the flushed rows into records now, while they can still be read in this transaction."""
    pending = session.info.get(PENDING_KEY)
    if not pending:
        return
    ready = session.info.setdefault(READY_KEY, {})
    for obj, was_deleted in pending.items():
        keep = not was_deleted and is_searchable(obj)
        ready[KIND_OF_MODEL[type(obj)], obj.id] = record_of(obj) if keep else None
    pending.clear()


@sa.event.listens_for(FlaskSession, "after_commit")
def _apply_changes(session) -> None:
    changes = session.info.pop(READY_KEY, None)
    matcher = current_app.extensions.get(EXTENSION_KEY) if changes and has_app_context() else None
    if matcher is None:
        return  # no index is loaded in this process; the next load reads the database
    for (kind, record_id), record in changes.items():
        if not matcher.is_loaded(kind):
            continue
        if record is None:
            matcher.remove(kind, [record_id])
        else:
            matcher.upsert([record])


@sa.event.listens_for(FlaskSession, "after_rollback")
def _forget_changes(session) -> None:
    session.info.pop(PENDING_KEY, None)
    session.info.pop(READY_KEY, None)
