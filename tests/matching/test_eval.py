"""The evaluation command: metrics and a run over a small labelled set."""

from __future__ import annotations

import json

import pytest

from matching.eval import main, score_ranking


def test_perfect_ranking_scores_one():
    scores = score_ranking(["a", "b", "c"], {"a": 2, "b": 1}, k=10)
    assert scores.recall_1 == 1.0
    assert scores.recall_k == 1.0
    assert scores.mrr_k == 1.0
    assert scores.ndcg_k == pytest.approx(1.0)


def test_relevant_document_at_rank_three():
    scores = score_ranking(["x", "y", "a"], {"a": 2}, k=10)
    assert scores.recall_1 == 0.0
    assert scores.recall_k == 1.0
    assert scores.mrr_k == pytest.approx(1 / 3)
    assert scores.ndcg_k == pytest.approx(0.5)


def test_graded_order_matters_for_ndcg_only():
    better = score_ranking(["a", "b"], {"a": 2, "b": 1}, k=10)
    worse = score_ranking(["b", "a"], {"a": 2, "b": 1}, k=10)
    assert better.recall_k == worse.recall_k == 1.0
    assert better.ndcg_k > worse.ndcg_k


def test_nothing_found_scores_zero():
    scores = score_ranking(["x", "y"], {"a": 1}, k=10)
    assert (scores.recall_1, scores.recall_k, scores.mrr_k, scores.ndcg_k) == (0.0, 0.0, 0.0, 0.0)


def _write(path, rows):
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def test_command_prints_table_per_language_and_predictions(tmp_path, capsys):
    _write(
        tmp_path / "c.jsonl",
        [
            {"id": "d1", "text": "semiconductor lithography patent attorney", "lang": "en"},
            {"id": "d2", "text": "trademark squatting disputes Vietnam", "lang": "en"},
            {"id": "d3", "text": "patent valuation pledge financing", "lang": "en"},
        ],
    )
    _write(
        tmp_path / "q.jsonl",
        [
            {"id": "q1", "text": "lithography patent attorney", "lang": "en"},
            {"id": "q2", "text": "trademark squatting Vietnam", "lang": "fr"},
        ],
    )
    _write(
        tmp_path / "r.jsonl",
        [
            {"query_id": "q1", "doc_id": "d1", "relevance": 2},
            {"query_id": "q2", "doc_id": "d2", "relevance": 2},
        ],
    )
    code = main(
        [
            "--corpus",
            str(tmp_path / "c.jsonl"),
            "--queries",
            str(tmp_path / "q.jsonl"),
            "--qrels",
            str(tmp_path / "r.jsonl"),
            "--encoder",
            "fake",
            "--cache",
            str(tmp_path / "cache.sqlite"),
            "--predictions-out",
            str(tmp_path / "p.jsonl"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "R@1" in out
    assert "nDCG@10" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
    assert set(rows) == {"all", "en", "fr"}
    assert rows["all"][2] == "1.000"  # both queries find their document first
    predictions = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert predictions[0]["ranking"][0] == "d1"
