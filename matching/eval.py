"""Retrieval quality on a labelled set, with the engine the site uses.

    python -m matching.eval --corpus C.jsonl --queries Q.jsonl --qrels R.jsonl [--k 10]
        [--predictions-out P.jsonl] [--encoder NAME] [--parts semantic,lexical,structured]

Files are BEIR-style JSON lines. Corpus: ``{"id", "text", "lang"}`` plus optional ``"kind"``,
``"body"`` and ``"attributes"``; queries: ``{"id", "text", "lang"}`` plus optional ``"kind"`` (the
corpus kind searched; default: all documents) and ``"requirements"``; qrels:
``{"query_id", "doc_id", "relevance"}`` with graded relevance (1 relevant, 2 highly relevant).

Prints recall@1, recall@k, MRR@k and nDCG@k per query language and overall. recall@k is the
share of a query's relevant documents found in the top k, out of at most k of them, so a query
with three relevant documents can reach recall@1 = 1.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from matching.cache import EmbeddingCache
from matching.encoder import load_encoder
from matching.engine import Matcher
from matching.types import LEVEL_RANKS, Attributes, MatcherSettings, Query, Record, Requirements

ALL = "document"  # the kind of every document when the corpus names none
PARTS = ("semantic", "lexical", "structured")


def read_jsonl(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def attributes_from(data: dict) -> Attributes:
    return Attributes(
        languages=dict(data.get("languages", {})),
        services=frozenset(data.get("services", ())),
        fields=frozenset(data.get("fields", ())),
        qualifications=frozenset(data.get("qualifications", ())),
        years_experience=data.get("years_experience"),
        country=data.get("country"),
        willing_to_relocate=data.get("willing_to_relocate", False),
    )


def requirements_from(data: dict) -> Requirements:
    return Requirements(
        languages={code: LEVEL_RANKS.get(level, level) for code, level in data.get("languages", {}).items()},
        qualifications=frozenset(data.get("qualifications", ())),
        min_experience=data.get("min_experience", 0),
        services=frozenset(data.get("services", ())),
        fields=frozenset(data.get("fields", ())),
        location=data.get("location"),
    )


@dataclass(frozen=True)
class Scores:
    recall_1: float
    recall_k: float
    mrr_k: float
    ndcg_k: float


def score_ranking(ranked: list[str], relevance: dict[str, int], k: int) -> Scores:
    """Metrics of one ranked list of document ids against graded judgements."""
    relevant = {doc for doc, grade in relevance.items() if grade > 0}
    top = ranked[:k]
    found = [doc in relevant for doc in top]
    recall_1 = float(bool(found[:1] and found[0]))
    recall_k = sum(found) / min(len(relevant), k) if relevant else 0.0
    mrr = next((1.0 / rank for rank, hit in enumerate(found, 1) if hit), 0.0)
    dcg = sum((2 ** relevance.get(doc, 0) - 1) / math.log2(rank + 1) for rank, doc in enumerate(top, 1))
    ideal = sorted(relevance.values(), reverse=True)[:k]
    idcg = sum((2**grade - 1) / math.log2(rank + 1) for rank, grade in enumerate(ideal, 1))
    return Scores(recall_1, recall_k, mrr, dcg / idcg if idcg else 0.0)


def mean(scores: list[Scores]) -> Scores:
    n = max(len(scores), 1)
    return Scores(*(sum(getattr(s, f) for s in scores) / n for f in Scores.__dataclass_fields__))


def evaluate(
    matcher: Matcher,
    corpus: list[dict],
    queries: list[dict],
    qrels: list[dict],
    k: int = 10,
    predictions: list[dict] | None = None,
) -> dict[str, tuple[int, Scores]]:
    """Rank every query and score it.

    Returns:
        Per query language and for ``"all"``: the number of queries and their mean scores.

    Corpus and query ids are strings; the engine gets integer ids in corpus order.
    """
    number_of = {doc["id"]: n for n, doc in enumerate(corpus, 1)}
    id_of = {n: doc_id for doc_id, n in number_of.items()}
    by_kind: dict[str, list[Record]] = defaultdict(list)
    for doc in corpus:
        kind = doc.get("kind", ALL)
        by_kind[kind].append(
            Record(
                number_of[doc["id"]],
                kind,
                doc["text"],
                doc.get("body", doc["text"]),
                doc.get("lang", ""),
                attributes_from(doc.get("attributes", {})),
            )
        )
    for kind, records in by_kind.items():
        matcher.load(kind, records)
    judged: dict[str, dict[str, int]] = defaultdict(dict)
    for row in qrels:
        judged[row["query_id"]][row["doc_id"]] = int(row["relevance"])
    per_language: dict[str, list[Scores]] = defaultdict(list)
    for query in queries:
        if query["id"] not in judged:
            continue
        kind = query.get("kind", ALL)
        found = matcher.search(
            kind, Query(query["text"], query.get("lang"), requirements_from(query.get("requirements", {}))), k
        )
        ranked = [id_of[hit.id] for hit in found.hits]
        scores = score_ranking(ranked, judged[query["id"]], k)
        per_language[query.get("lang", "?")].append(scores)
        per_language["all"].append(scores)
        if predictions is not None:
            predictions.append(
                {"query_id": query["id"], "ranking": ranked, "scores": [hit.score for hit in found.hits]}
            )
    return {lang: (len(rows), mean(rows)) for lang, rows in sorted(per_language.items())}


#: Weight of each part when it is switched on (the app's defaults leave lexical off).
PART_WEIGHTS = {"semantic": 0.6, "lexical": 0.1, "structured": 0.3}


def settings_for(parts: set[str]) -> MatcherSettings:
    weights = {f"weight_{part}": PART_WEIGHTS[part] if part in parts else 0.0 for part in PARTS}
    return replace(MatcherSettings(), **weights)


def format_table(results: dict[str, tuple[int, Scores]], k: int) -> str:
    lines = [f"{'lang':<6}{'n':>5}{'R@1':>8}{f'R@{k}':>8}{f'MRR@{k}':>9}{f'nDCG@{k}':>9}"]
    for lang, (n, s) in results.items():
        lines.append(f"{lang:<6}{n:>5}{s.recall_1:>8.3f}{s.recall_k:>8.3f}{s.mrr_k:>9.3f}{s.ndcg_k:>9.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--qrels", type=Path, required=True)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--predictions-out", type=Path)
    parser.add_argument(
        "--encoder", default="e5-small", help="e5-small, use, or a sentence-transformers model"
    )
    parser.add_argument("--model-dir", type=Path, default=Path("instance/models"))
    parser.add_argument("--cache", type=Path, default=Path("instance/embeddings.sqlite"))
    parser.add_argument("--parts", default=",".join(PARTS), help="score parts to fuse (default: all)")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    if not parts <= set(PARTS):
        parser.error(f"--parts takes {', '.join(PARTS)}")
    matcher = Matcher(
        load_encoder(args.encoder, args.model_dir),
        EmbeddingCache(args.cache),
        index_dir=None,
        settings=settings_for(parts),
        explain=False,
    )
    predictions: list[dict] = []
    started = time.perf_counter()
    results = evaluate(
        matcher,
        read_jsonl(args.corpus),
        read_jsonl(args.queries),
        read_jsonl(args.qrels),
        args.k,
        predictions,
    )
    print(
        f"encoder {matcher.encoder.name}, parts {'+'.join(p for p in PARTS if p in parts)}, "
        f"{time.perf_counter() - started:.1f}s"
    )
    print(format_table(results, args.k))
    if args.predictions_out:
        with args.predictions_out.open("w", encoding="utf-8") as handle:
            for row in predictions:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
