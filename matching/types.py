"""The plain values the engine works with: records, queries, results and settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["professional", "institution", "opportunity", "need"]
KINDS: tuple[Kind, ...] = ("professional", "institution", "opportunity", "need")

#: Language levels as ranks, so that "at least B2" is a comparison. Institutions list languages
#: without levels; they count as working languages (C1).
LEVEL_RANKS = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "native": 7}
WORKING_LEVEL = LEVEL_RANKS["C1"]


@dataclass(frozen=True)
class Attributes:
    """Structured facts about a record, used by hard filters and the structured fit."""

    languages: dict[str, int] = field(default_factory=dict)  # ISO 639-1 code -> level rank
    services: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    qualifications: frozenset[str] = frozenset()
    years_experience: int | None = None
    country: str | None = None
    willing_to_relocate: bool = False


@dataclass(frozen=True)
class Record:
    """One searchable thing: a professional, an institution, an opportunity or a zone need.

    ``text`` is what gets embedded (free text plus the labels of the structured fields);
    ``body`` is the free text alone, whose sentences explanations quote.
    """

    id: int
    kind: Kind
    text: str
    body: str
    lang: str
    attributes: Attributes = Attributes()


@dataclass(frozen=True)
class Requirements:
    """What a candidate must (hard) or should (soft) have.

    Hard: ``languages`` (each at least the given rank), ``qualifications`` (at least one of them),
    ``min_experience``. Soft, scored by the structured fit: ``services``, ``fields``, ``location``.
    """

    languages: dict[str, int] = field(default_factory=dict)
    qualifications: frozenset[str] = frozenset()
    min_experience: int = 0
    services: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    location: str | None = None  # ISO country where the work is; relocation counts for it


@dataclass(frozen=True)
class Filters:
    """Narrowing chosen by the searcher; every filter is hard. Empty means no filter."""

    countries: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    qualifications: frozenset[str] = frozenset()
    min_experience: int = 0
    exclude_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Query:
    text: str
    lang: str | None = None
    requirements: Requirements = Requirements()
    filters: Filters = Filters()


@dataclass(frozen=True)
class Reason:
    """Why a result ranks where it does, as a code the app translates, with its parameters."""

    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    id: int
    kind: Kind
    score: int  # calibrated 0–100
    components: dict[str, float]  # each 0–1: semantic, lexical, structured
    reasons: tuple[Reason, ...]
    best_sentence: str | None
    best_sentence_lang: str | None


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int  # candidates that passed every hard requirement and filter
    filtered_out: dict[str, int]  # requirement code -> candidates it excluded


@dataclass(frozen=True)
class MatcherSettings:
    weight_semantic: float = 0.6
    #: Off by default: on the development set BM25 did not improve the ranking (see README).
    weight_lexical: float = 0.0
    weight_structured: float = 0.3
    #: Standard deviations above the query's mean similarity at which the semantic score is full.
    semantic_full_at_sd: float = 4.0
    #: BM25 value at which the lexical score reaches 1 - 1/e.
    lexical_scale: float = 8.0
    #: Results reranked with lexical and structured evidence (taken by semantic similarity).
    rerank_pool: int = 200
    #: From this many records on, an HNSW index is built (if its recall test passes).
    hnsw_min_size: int = 200_000
    hnsw_min_recall: float = 0.97
