"""The matching benchmark runs on a tiny corpus and prints every table with plausible numbers.

Nothing here depends on speed: only that each measurement ran and gave a sane value.
"""

from __future__ import annotations

import json
import re

from benchmarks.matching import main


def _row(printed: str, label: str) -> list[str]:
    """Cells of the first table row starting with ``label`` (cells are separated by 2+ spaces)."""
    for line in printed.splitlines():
        if line.startswith(label + "  "):
            return re.split(r"\s{2,}", line.strip())
    raise AssertionError(f"no row {label!r} in:\n{printed}")


def _number(cell: str) -> float:
    return float(cell.replace(",", ""))


def test_benchmark_prints_every_table_with_plausible_numbers(tmp_path, capsys):
    report_file = tmp_path / "bench.json"
    code = main(
        [
            "--sizes",
            "2000",
            "--queries",
            "20",
            "--encoder",
            "fake",
            "--encode-texts",
            "64",
            "--model-dir",
            str(tmp_path / "models"),
            "--json",
            str(report_file),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0

    for heading in (
        "== 1. Encoding",
        "== N = 2,000",
        "-- 2. Index build",
        "-- 3. Query latency",
        "-- 4. Recall@10",
        "-- 5. Memory per record",
        "-- 6. End to end",
        "== Targets ==",
    ):
        assert heading in printed

    for label in ("bare encoder.encode", "encode_cached, fresh cache", "encode_cached, warm cache"):
        assert _number(_row(printed, label)[1]) > 0  # records per second

    assert all(_number(cell) > 0 for cell in _row(printed, "exact (IDMap2 Flat)")[1:5])
    assert all(_number(cell) > 0 for cell in _row(printed, "hnsw (M32, efC 80)")[1:5])

    for label in (
        "exact",
        "exact, filtered",
        "exact, saved + loaded (mmap)",
        "hnsw ef 64",
        "hnsw ef 64, filtered",
    ):
        cells = _row(printed, label)
        assert all(_number(cell) > 0 for cell in cells[1:7]), cells  # p50/p95 of ours and bare, ratios

    for label in ("exact (sanity)", "exact, filtered (sanity)", "hnsw ef 64", "hnsw ef 64, filtered"):
        recall = _number(_row(printed[printed.index("-- 4. Recall") :], label)[1])
        assert 0 <= recall <= 1
    assert _number(_row(printed[printed.index("-- 4. Recall") :], "exact (sanity)")[1]) == 1

    memory = printed[printed.index("-- 5. Memory") :]
    assert _number(_row(memory, "exact")[1]) >= 4 * 384  # index file: at least the float32 vectors
    assert _number(_row(memory, "hnsw")[1]) >= 4 * 384

    totals = _row(printed, "total")
    assert 0 < _number(totals[1]) <= _number(totals[2])  # p50 <= p95

    report = json.loads(report_file.read_text())
    entry = report["sizes"]["2000"]
    assert 0 <= entry["recall"]["hnsw"] <= 1
    assert entry["build_hnsw"]["engine_ef_search"] in (64, 128, 256, 512, None)
    assert all(row["ours"]["p50_ms"] > 0 and row["bare"]["p95_ms"] > 0 for row in entry["latency"].values())
    e2e = entry["end_to_end"]
    assert e2e["queries"] == 20
    assert e2e["mean_hits"] == 20  # top 20, each with an explanation
    assert 0 <= e2e["encoding_share"] <= 1
    assert report["encoding"]["warm_per_s"] > 0
