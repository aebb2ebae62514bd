"""The matcher: ranks records of one kind against a query, with scores and explanations.

Per kind it keeps a faiss index (saved next to a manifest, rebuilt when missing, stale or
corrupt), the records' structured attributes as columns (hard filters, structured fit) and a
BM25 index (lexical evidence). A query is encoded once; hard requirements become a faiss ID
selector; the best ``rerank_pool`` candidates by semantic similarity are then rescored with
lexical and structured evidence and explained.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matching.attributes import AttributeTable
from matching.cache import EmbeddingCache, encode_cached
from matching.encoder import Encoder
from matching.index import MANIFEST_FILE, IndexCorruptError, VectorIndex
from matching.lexical import LexicalIndex
from matching.text import sentences, text_hash
from matching.types import Hit, MatcherSettings, Query, Reason, Record, SearchResult

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]  # called with the number of records just processed
ENCODE_CHUNK = 256
CALIBRATION_SAMPLE = 256
MIN_SD = 0.01  # floor for the spread of a query's similarities (tiny or uniform collections)


def fingerprint(records: Iterable[Record]) -> str:
    """Identifies a set of records and their texts: a saved index built from others is stale."""
    digest = hashlib.sha256()
    for record in sorted(records, key=lambda r: r.id):
        digest.update(f"{record.id}:{text_hash(record.text)};".encode())
    return digest.hexdigest()


@dataclass
class _KindState:
    records: dict[int, Record]
    index: VectorIndex
    table: AttributeTable
    lexical: LexicalIndex
    calibration: np.ndarray  # vectors of a sample of records: each query's similarity baseline


class Matcher:
    """Multilingual matching over the records the app hands it.

    Args:
        encoder: Turns texts into normalised vectors.
        cache: Embeddings by (model, text hash); unchanged texts are never encoded again.
        index_dir: Where each kind's index is saved (``<index_dir>/<kind>/``); None keeps them in memory.
        settings: Weights and thresholds.
        explain: Quote each result's best sentence (sentences are encoded when records are indexed);
            evaluation runs turn it off, as they only need the ranking.
    """

    def __init__(
        self,
        encoder: Encoder,
        cache: EmbeddingCache,
        index_dir: Path | None = None,
        settings: MatcherSettings | None = None,
        explain: bool = True,
    ) -> None:
        self.encoder = encoder
        self.cache = cache
        self.index_dir = Path(index_dir) if index_dir else None
        self.settings = settings or MatcherSettings()
        self.explain = explain
        self._kinds: dict[str, _KindState] = {}
        self._stamps: dict[str, int | None] = {}  # manifest mtime of each kind's saved index
        self._lock = threading.RLock()

    # --- loading and changes ----------------------------------------------------------------

    def load(
        self, kind: str, records: list[Record], progress: Progress | None = None, *, rebuild: bool = False
    ) -> str:
        """Make ``kind`` searchable over exactly ``records``.

        The saved index is used when it was built from the same records with the same model;
        otherwise (missing, stale, corrupt, or ``rebuild``) it is rebuilt and saved.

        Returns:
            What happened: ``"loaded"``, or ``"rebuilt (<why>)"``.
        """
        started = time.perf_counter()
        wanted = fingerprint(records)
        index, why = self._open_saved(kind, wanted) if not rebuild else (None, "asked")
        if index is None:
            logger.warning("rebuilding %s index from %d records: %s", kind, len(records), why)
            index = self._build(kind, records, wanted, progress)
            if self.explain:
                self.warm_sentences(records)
        with self._lock:
            self._kinds[kind] = self._state(records, index)
            self._stamps[kind] = self._saved_stamp(kind)
        outcome = "loaded" if why is None else f"rebuilt ({why})"
        logger.info(
            "%s index %s: %d records in %.2fs", kind, outcome, len(records), time.perf_counter() - started
        )
        return outcome

    def _open_saved(self, kind: str, wanted: str) -> tuple[VectorIndex | None, str | None]:
        if self.index_dir is None:
            return None, "not persisted"
        try:
            index, manifest = VectorIndex.load(self.index_dir / kind, model=self.encoder.name)
        except FileNotFoundError:
            return None, "missing"
        except IndexCorruptError as error:
            return None, f"corrupt: {error}"
        if manifest.fingerprint != wanted:
            return None, "stale"
        return index, None

    def _build(self, kind: str, records: list[Record], wanted: str, progress: Progress | None) -> VectorIndex:
        vectors = self._encode_records(records, progress)
        index = VectorIndex.build(
            [r.id for r in records],
            vectors,
            hnsw_min_size=self.settings.hnsw_min_size,
            min_recall=self.settings.hnsw_min_recall,
        )
        self._save(kind, index, wanted)
        return index

    def _encode_records(self, records: list[Record], progress: Progress | None = None) -> np.ndarray:
        parts = [np.zeros((0, self.encoder.dim), dtype=np.float32)]
        for start in range(0, len(records), ENCODE_CHUNK):
            chunk = records[start : start + ENCODE_CHUNK]
            vectors, _encoded = encode_cached(self.encoder, self.cache, [r.text for r in chunk], "passage")
            parts.append(vectors)
            if progress:
                progress(len(chunk))
        return np.concatenate(parts)

    def warm_sentences(self, records: list[Record]) -> int:
        """Encode ahead of time the sentences explanations quote; returns how many were new."""
        texts = [sentence for record in records for sentence in sentences(record.body)]
        return encode_cached(self.encoder, self.cache, texts, "passage")[1]

    def _save(self, kind: str, index: VectorIndex, wanted: str) -> None:
        if self.index_dir is not None:
            index.save(self.index_dir / kind, kind=kind, model=self.encoder.name, fingerprint=wanted)
            self._stamps[kind] = self._saved_stamp(kind)

    def _saved_stamp(self, kind: str) -> int | None:
        if self.index_dir is None:
            return None
        try:
            return (self.index_dir / kind / MANIFEST_FILE).stat().st_mtime_ns
        except FileNotFoundError:
            return None

    def is_current(self, kind: str) -> bool:
        """False when another process saved the kind's index since this one loaded or saved it."""
        return self._stamps.get(kind) == self._saved_stamp(kind)

    def _state(self, records: list[Record], index: VectorIndex) -> _KindState:
        ids = [r.id for r in records]
        rng = np.random.default_rng(0)
        sample = rng.choice(ids, size=min(CALIBRATION_SAMPLE, len(ids)), replace=False) if ids else []
        return _KindState(
            records={r.id: r for r in records},
            index=index,
            table=AttributeTable(records),
            lexical=LexicalIndex(np.array(ids, dtype=np.int64), [r.text for r in records]),
            calibration=index.reconstruct(sample) if len(sample) else np.zeros((0, index.dim), np.float32),
        )

    def upsert(self, records: list[Record]) -> None:
        """Add or replace records (approved, edited); each touched kind is saved again."""
        by_kind: dict[str, list[Record]] = {}
        for record in records:
            by_kind.setdefault(record.kind, []).append(record)
        with self._lock:
            for kind, changed in by_kind.items():
                state = self._require(kind)
                state.index.upsert([r.id for r in changed], self._encode_records(changed))
                merged = state.records | {r.id: r for r in changed}
                self._replace_state(kind, state, merged)
            if self.explain:
                self.warm_sentences(records)

    def remove(self, kind: str, ids: Iterable[int]) -> None:
        """Take records out (withdrawn, suspended, deleted); unknown ids are ignored."""
        ids = [int(i) for i in ids]
        with self._lock:
            state = self._require(kind)
            state.index.remove(ids)
            remaining = {i: r for i, r in state.records.items() if i not in set(ids)}
            self._replace_state(kind, state, remaining)

    def _replace_state(self, kind: str, state: _KindState, records: dict[int, Record]) -> None:
        ordered = list(records.values())
        self._kinds[kind] = self._state(ordered, state.index)
        self._save(kind, state.index, fingerprint(ordered))

    def _require(self, kind: str) -> _KindState:
        if kind not in self._kinds:
            raise KeyError(f"{kind} records are not loaded; call Matcher.load first")
        return self._kinds[kind]

    def is_loaded(self, kind: str) -> bool:
        return kind in self._kinds

    def status(self) -> dict[str, dict]:
        with self._lock:
            return {
                kind: {
                    "count": state.index.count,
                    "index_type": state.index.index_type,
                    "model": self.encoder.name,
                }
                for kind, state in self._kinds.items()
            }

    # --- search ------------------------------------------------------------------------------

    def search(self, kind: str, query: Query, k: int = 20, offset: int = 0) -> SearchResult:
        """Rank the ``kind`` records for ``query``: best first, ``k`` from ``offset``.

        Records failing a hard requirement are left out and counted in ``filtered_out`` (per
        requirement, among those the filters kept); the filters themselves narrow silently.
        """
        with self._lock:
            state = self._require(kind)
            table = state.table
            kept = table.filter_mask(query.filters)
            masks = table.requirement_masks(query.requirements)
            passing = kept.copy()
            for mask in masks.values():
                passing &= mask
            filtered_out = {code: int((kept & ~mask).sum()) for code, mask in masks.items()}
            total = int(passing.sum())
            if total == 0 or offset >= total:
                return SearchResult([], total, filtered_out)
            query_vector = encode_cached(self.encoder, self.cache, [query.text], "query")[0][0]
            allowed = None if passing.all() else table.ids[passing]
            pool = min(total, max(self.settings.rerank_pool, offset + k))
            similarities, ids = state.index.search(query_vector, pool, allowed)
            ranked = self._rerank(state, query, query_vector, similarities, ids)
            hits = [self._hit(state, query, query_vector, *item) for item in ranked[offset : offset + k]]
            return SearchResult(hits, total, filtered_out)

    def _rerank(self, state: _KindState, query: Query, query_vector, similarities, ids) -> list[tuple]:
        s = self.settings
        semantic = self._calibrate(state, query_vector, similarities)
        lexical = None
        if s.weight_lexical > 0:
            lexical = 1.0 - np.exp(-state.lexical.scores(query.text, ids) / s.lexical_scale)
        rows = state.table.rows_of(ids)
        ranked = []
        for position, row in enumerate(rows):
            structured, reasons = state.table.structured_fit(int(row), query.requirements)
            components = {"semantic": float(semantic[position])}
            weighted = [(s.weight_semantic, components["semantic"])]
            if lexical is not None:
                components["lexical"] = float(lexical[position])
                weighted.append((s.weight_lexical, components["lexical"]))
            if structured is not None:
                components["structured"] = structured
                weighted.append((s.weight_structured, structured))
            total_weight = sum(w for w, _v in weighted) or 1.0
            score = sum(w * v for w, v in weighted) / total_weight
            ranked.append((int(ids[position]), score, components, reasons))
        ranked.sort(key=lambda item: -item[1])
        return ranked

    def _calibrate(self, state: _KindState, query_vector: np.ndarray, similarities: np.ndarray) -> np.ndarray:
        """Cosine → 0–1: standard deviations above the query's similarity to a sample of records.

        Raw cosines are not comparable between models (e5 crowds them into 0.8–0.9); how far a
        candidate stands out from the typical record is.
        """
        baseline = state.calibration @ query_vector
        if len(baseline) < 2:
            return np.clip(similarities, 0.0, 1.0)
        spread = max(float(baseline.std()), MIN_SD)
        z = (similarities - float(baseline.mean())) / spread
        return np.clip(z / self.settings.semantic_full_at_sd, 0.0, 1.0)

    def _hit(
        self, state: _KindState, query: Query, query_vector, record_id, score, components, reasons
    ) -> Hit:
        record = state.records[record_id]
        reasons = [*reasons]
        if components["semantic"] >= 0.5:
            reasons.insert(0, Reason("similar_text", {"strength": round(components["semantic"] * 100)}))
        if components.get("lexical", 0) > 0:  # only tokenise when lexical evidence is part of the score
            shared = state.lexical.shared_terms(query.text, record.text)
            if shared:
                reasons.append(Reason("shared_terms", {"terms": shared}))
        sentence = self._best_sentence(record, query_vector) if self.explain else None
        return Hit(
            id=record_id,
            kind=record.kind,
            score=round(score * 100),
            components={name: round(value, 4) for name, value in components.items()},
            reasons=tuple(reasons),
            best_sentence=sentence,
            best_sentence_lang=record.lang if sentence else None,
        )

    def _best_sentence(self, record: Record, query_vector: np.ndarray) -> str | None:
        candidates = sentences(record.body)
        if not candidates:
            return None
        vectors, _encoded = encode_cached(self.encoder, self.cache, candidates, "passage")
        return candidates[int(np.argmax(vectors @ query_vector))]
