"""Embeddings cached by (model, text hash), so unchanged text is never encoded twice."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matching.encoder import Encoder, Role
from matching.text import text_hash


class EmbeddingCache:
    """A small SQLite file of float32 vectors; safe to share between threads and processes.

    Args:
        path: The cache file, or None for a cache that lives in memory only.
    """

    def __init__(self, path: Path | None) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False, timeout=30)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS embeddings ("
                " model TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL,"
                " PRIMARY KEY (model, role, hash))"
            )

    def get_many(self, model: str, role: Role, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        with self._lock:
            for start in range(0, len(unique), 500):  # SQLite's limit on bound parameters
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT hash, vector FROM embeddings WHERE model = ? AND role = ? AND hash IN ({marks})",
                    [model, role, *chunk],
                )
                found.update((h, np.frombuffer(blob, dtype=np.float32)) for h, blob in rows)
        return found

    def put_many(self, model: str, role: Role, items: dict[str, np.ndarray]) -> None:
        rows = [(model, role, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()]
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)

    def count(self, model: str) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM embeddings WHERE model = ?", [model]).fetchone()[0]

    def close(self) -> None:
        self._db.close()


def encode_cached(
    encoder: Encoder, cache: EmbeddingCache, texts: Sequence[str], role: Role, batch_size: int = 32
) -> tuple[np.ndarray, int]:
    """Vectors of ``texts``, encoding only those the cache does not hold.

    Returns:
        The ``(len(texts), dim)`` float32 array and how many texts were encoded now.
    """
    hashes = [text_hash(text) for text in texts]
    known = cache.get_many(encoder.name, role, hashes)
    missing = {h: text for h, text in zip(hashes, texts, strict=True) if h not in known}
    if missing:
        fresh = encoder.encode(list(missing.values()), role=role, batch_size=batch_size)
        new = dict(zip(missing, fresh, strict=True))
        cache.put_many(encoder.name, role, new)
        known.update(new)
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32), 0
    return np.stack([known[h] for h in hashes]).astype(np.float32, copy=False), len(missing)
