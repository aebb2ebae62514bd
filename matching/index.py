"""Vector indexes over faiss, keyed by database ids, saved atomically with a manifest.

An index is exact (``IndexIDMap2(IndexFlatIP)``) unless it is large enough for HNSW *and* HNSW
passes a recall test against exact search. On normalised vectors inner product is cosine.

HNSW cannot remove vectors, so an HNSW index takes changes into a small exact "delta" index and
masks replaced or removed ids of the main graph ("tombstones"); both are searched and merged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import faiss
import numpy as np

logger = logging.getLogger(__name__)

INDEX_FILE = "index.faiss"
DELTA_FILE = "delta.faiss"
MANIFEST_FILE = "manifest.json"
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH_STEPS = (64, 128, 256, 512, 1024)
RECALL_QUERIES = 200
RECALL_K = 10


class IndexCorruptError(RuntimeError):
    """The saved index does not match its manifest (checksum, size or model)."""


@dataclass
class Manifest:
    kind: str
    model: str
    dim: int
    count: int
    index_type: str  # "flat" or "hnsw"
    checksum: str  # sha256 of the index files, in order
    fingerprint: str  # of the records the index was built from; tells a stale index
    built_at: float = field(default_factory=time.time)
    ef_search: int | None = None
    tombstones: list[int] = field(default_factory=list)


def _new_flat(dim: int) -> faiss.IndexIDMap2:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def _as_ids(ids) -> np.ndarray:
    return np.ascontiguousarray(ids, dtype=np.int64)


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


class VectorIndex:
    """Vectors of one kind of record, searchable by inner product, with optional id filtering."""

    def __init__(self, main: faiss.Index, dim: int, index_type: str = "flat", ef_search: int | None = None):
        self.dim = dim
        self.index_type = index_type
        self.ef_search = ef_search
        self._main = main
        self._delta = _new_flat(dim)
        self._tombstones: set[int] = set()
        self._writable = True

    # --- building -------------------------------------------------------------------------

    @classmethod
    def build(
        cls, ids, vectors: np.ndarray, *, hnsw_min_size: int = 200_000, min_recall: float = 0.97
    ) -> VectorIndex:
        """Build an exact index, or an HNSW one where the collection is large and recall holds."""
        ids, vectors = _as_ids(ids), np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        flat = _new_flat(dim)
        flat.add_with_ids(vectors, ids)
        if len(ids) < hnsw_min_size:
            return cls(flat, dim)
        hnsw, ef_search, recall = build_hnsw_with_recall(flat, ids, vectors, min_recall)
        if hnsw is None:
            logger.info(
                "HNSW recall@%d %.3f < %.2f at %d vectors: exact index kept",
                RECALL_K,
                recall,
                min_recall,
                len(ids),
            )
            return cls(flat, dim)
        logger.info("HNSW index: recall@%d %.3f at efSearch %d", RECALL_K, recall, ef_search)
        return cls(hnsw, dim, "hnsw", ef_search)

    # --- changes --------------------------------------------------------------------------

    def upsert(self, ids, vectors: np.ndarray) -> None:
        """Add vectors, replacing any stored under the same ids."""
        ids = _as_ids(ids)
        if not len(ids):
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.remove(ids)
        if self.index_type == "flat":
            self._make_writable()
            self._main.add_with_ids(vectors, ids)
        else:
            self._delta.add_with_ids(vectors, ids)

    def remove(self, ids) -> None:
        ids = _as_ids(ids)
        if not len(ids):
            return
        selector = faiss.IDSelectorBatch(ids)
        self._delta.remove_ids(selector)
        if self.index_type == "flat":
            self._make_writable()
            self._main.remove_ids(selector)
        else:
            self._tombstones.update(int(i) for i in ids)

    def _make_writable(self) -> None:
        """A memory-mapped index is read-only; copy it into memory before the first change."""
        if not self._writable:
            self._main = faiss.deserialize_index(faiss.serialize_index(self._main))
            self._writable = True

    @property
    def count(self) -> int:
        return int(self._main.ntotal) - len(self._tombstones) + int(self._delta.ntotal)

    # --- search ---------------------------------------------------------------------------

    def search(
        self, query: np.ndarray, k: int, allowed_ids: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (scores, ids) for one query vector, best first, among ``allowed_ids`` if given.

        Filtering happens inside the search (a faiss ID selector), so ``k`` results come back
        whenever ``k`` allowed vectors exist. faiss pads missing results with id -1; those are dropped.
        """
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        results = [self._search_one(self._main, query, k, allowed_ids, self._tombstones)]
        if self._delta.ntotal:
            results.append(self._search_one(self._delta, query, k, allowed_ids, set()))
        scores = np.concatenate([r[0] for r in results])
        ids = np.concatenate([r[1] for r in results])
        order = np.argsort(-scores, kind="stable")[:k]
        return scores[order], ids[order]

    def _search_one(self, index, query, k, allowed_ids, excluded: set[int]):
        if index.ntotal == 0 or k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        selector = None
        if allowed_ids is not None:
            allowed = _as_ids(allowed_ids)
            if excluded:
                allowed = allowed[~np.isin(allowed, list(excluded))]
            selector = faiss.IDSelectorBatch(allowed)
        elif excluded:
            selector = faiss.IDSelectorNot(faiss.IDSelectorBatch(_as_ids(sorted(excluded))))
        params = None
        if self.index_type == "hnsw" and index is self._main:
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.ef_search or 64, k))
        elif selector is not None:
            params = faiss.SearchParameters(sel=selector)
        scores, ids = index.search(query, min(k, index.ntotal), params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def reconstruct(self, ids) -> np.ndarray:
        """Stored vectors of ``ids`` (the delta's copy where an id was replaced)."""
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        delta_ids = set(faiss.vector_to_array(self._delta.id_map).tolist()) if self._delta.ntotal else set()
        for row, record_id in enumerate(_as_ids(ids)):
            source = self._delta if int(record_id) in delta_ids else self._main
            out[row] = source.reconstruct(int(record_id))
        return out

    # --- persistence ----------------------------------------------------------------------

    def save(self, folder: Path, *, kind: str, model: str, fingerprint: str) -> Manifest:
        """Write the index and its manifest into ``folder`` atomically (build aside, then rename)."""
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            files = [staging / INDEX_FILE]
            faiss.write_index(self._main, str(files[0]))
            if self._delta.ntotal:
                files.append(staging / DELTA_FILE)
                faiss.write_index(self._delta, str(files[1]))
            manifest = Manifest(
                kind=kind,
                model=model,
                dim=self.dim,
                count=self.count,
                index_type=self.index_type,
                checksum=_sha256(files),
                fingerprint=fingerprint,
                ef_search=self.ef_search,
                tombstones=sorted(self._tombstones),
            )
            (staging / MANIFEST_FILE).write_text(json.dumps(asdict(manifest), indent=1))
            for path in staging.iterdir():
                with path.open("rb") as handle:
                    os.fsync(handle.fileno())
            _replace_folder(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return manifest

    @classmethod
    def load(cls, folder: Path, *, model: str) -> tuple[VectorIndex, Manifest]:
        """Open a saved index, memory-mapped, after checking it against its manifest.

        Raises:
            FileNotFoundError: nothing saved there.
            IndexCorruptError: unreadable manifest, wrong checksum or size, other model.
        """
        folder = Path(folder)
        manifest_path = folder / MANIFEST_FILE
        if not manifest_path.exists():
            raise FileNotFoundError(manifest_path)
        try:
            manifest = Manifest(**json.loads(manifest_path.read_text()))
        except (ValueError, TypeError) as error:
            raise IndexCorruptError(f"unreadable manifest {manifest_path}: {error}") from error
        if manifest.model != model:
            raise IndexCorruptError(f"index built with model {manifest.model!r}, not {model!r}")
        files = [folder / INDEX_FILE] + ([folder / DELTA_FILE] if (folder / DELTA_FILE).exists() else [])
        if _sha256(files) != manifest.checksum:
            raise IndexCorruptError(f"checksum mismatch in {folder}")
        try:
            main = faiss.read_index(str(files[0]), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
            index = cls(main, manifest.dim, manifest.index_type, manifest.ef_search)
            index._writable = manifest.index_type != "flat"  # mapped flat codes cannot grow in place
            if len(files) > 1:
                index._delta = faiss.read_index(str(files[1]))
        except RuntimeError as error:
            raise IndexCorruptError(f"faiss cannot read {folder}: {error}") from error
        index._tombstones = set(manifest.tombstones)
        if index.count != manifest.count or main.d != manifest.dim:
            raise IndexCorruptError(f"{folder} holds {index.count} vectors, manifest says {manifest.count}")
        return index, manifest


def _replace_folder(staging: Path, folder: Path) -> None:
    """Swap ``staging`` in as ``folder``; readers see the old or the new folder, never a mix."""
    if folder.exists():
        retired = folder.with_name(f".{folder.name}-old-{os.getpid()}-{time.time_ns()}")
        os.replace(folder, retired)
        os.replace(staging, folder)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, folder)


def recall_at_k(exact_ids: np.ndarray, approx_ids: np.ndarray) -> float:
    """Mean share of each exact top-k found in the approximate top-k."""
    hits = [
        len(set(e[e >= 0]) & set(a[a >= 0])) / max((e >= 0).sum(), 1)
        for e, a in zip(exact_ids, approx_ids, strict=True)
    ]
    return float(np.mean(hits))


def build_hnsw_with_recall(flat, ids: np.ndarray, vectors: np.ndarray, min_recall: float):
    """Build HNSW and find the smallest efSearch whose recall@10 against ``flat`` reaches ``min_recall``.

    Returns:
        (index, ef_search, recall), with index None when no efSearch reaches it.
    """
    graph = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    hnsw = faiss.IndexIDMap2(graph)
    hnsw.add_with_ids(vectors, ids)
    rng = np.random.default_rng(0)
    sample = vectors[rng.choice(len(vectors), size=min(RECALL_QUERIES, len(vectors)), replace=False)]
    queries = sample + rng.normal(0, 0.02, sample.shape).astype(np.float32)  # near, not on, stored points
    faiss.normalize_L2(queries)
    # A batch: faiss scans it query by query below its BLAS threshold, many times slower (DESIGN.md).
    threshold = faiss.cvar.distance_compute_blas_threshold
    faiss.cvar.distance_compute_blas_threshold = 1
    try:
        _scores, exact = flat.search(queries, RECALL_K)
    finally:
        faiss.cvar.distance_compute_blas_threshold = threshold
    recall = 0.0
    for ef_search in HNSW_EF_SEARCH_STEPS:
        _scores, approx = hnsw.search(
            queries, RECALL_K, params=faiss.SearchParametersHNSW(efSearch=ef_search)
        )
        recall = recall_at_k(exact, approx)
        if recall >= min_recall:
            return hnsw, ef_search, recall
    return None, None, recall
