"""Fixtures of the engine's own tests: no app, no database, a fake encoder unless marked slow."""

from __future__ import annotations

import pytest

from matching.cache import EmbeddingCache
from matching.encoder import FakeEncoder
from matching.engine import Matcher
from matching.types import Attributes, Record


def record(record_id: int, text: str, kind="professional", lang="en", body=None, **attributes) -> Record:
    return Record(record_id, kind, text, body if body is not None else text, lang, Attributes(**attributes))


@pytest.fixture
def make_matcher(tmp_path):
    """A matcher with a fake encoder whose indexes are saved under ``tmp_path``."""

    def build(records=(), kind="professional", index_dir=None, encoder=None, **settings):
        from matching.types import MatcherSettings

        matcher = Matcher(
            encoder or FakeEncoder(dim=128),
            EmbeddingCache(tmp_path / "cache.sqlite"),
            index_dir or tmp_path / "index",
            MatcherSettings(**settings),
        )
        matcher.load(kind, list(records))
        return matcher

    return build
