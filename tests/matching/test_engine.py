"""The matcher with a fake encoder: persistence, recovery, updates, filters, explanations."""

from __future__ import annotations

import json

import numpy as np
import pytest

from matching.cache import EmbeddingCache, encode_cached
from matching.encoder import FakeEncoder
from matching.engine import Matcher
from matching.index import VectorIndex
from matching.types import Filters, Query, Requirements
from tests.matching.conftest import record

CORPUS = [
    record(
        1,
        "Patent attorney for semiconductor lithography and etching, PCT filings in Japan",
        languages={"en": 7, "ja": 5},
        services=frozenset({"agency"}),
        fields=frozenset({"semiconductors"}),
        qualifications=frozenset({"jp_benrishi"}),
        years_experience=12,
        country="JP",
    ),
    record(
        2,
        "Trademark attorney handling squatting disputes in Southeast Asia",
        languages={"en": 6},
        services=frozenset({"agency", "litigation_support"}),
        years_experience=6,
        country="SG",
    ),
    record(
        3,
        "Valuation of patent portfolios for pledge financing and licensing",
        languages={"zh": 7, "en": 4},
        services=frozenset({"appraisal_valuation"}),
        years_experience=20,
        country="CN",
    ),
    record(
        4,
        "Biotech oppositions at the EPO, antibodies and vaccines",
        languages={"fr": 7, "en": 6},
        services=frozenset({"agency"}),
        fields=frozenset({"biomedicine"}),
        qualifications=frozenset({"european_patent_attorney"}),
        years_experience=14,
        country="FR",
        willing_to_relocate=True,
    ),
    record(
        5,
        "Semiconductor packaging patents, junior engineer",
        languages={"zh": 7},
        fields=frozenset({"semiconductors"}),
        years_experience=2,
        country="CN",
    ),
]


def test_best_match_comes_first_with_calibrated_score(make_matcher):
    matcher = make_matcher(CORPUS)
    result = matcher.search("professional", Query("semiconductor patent attorney for Japan PCT"), k=3)
    assert result.hits[0].id == 1
    assert all(0 <= hit.score <= 100 for hit in result.hits)
    assert result.hits[0].score > result.hits[-1].score
    assert result.total == 5


def test_hard_requirements_exclude_and_are_counted(make_matcher):
    matcher = make_matcher(CORPUS)
    query = Query("patent attorney", requirements=Requirements(languages={"ja": 4}, min_experience=5))
    result = matcher.search("professional", query, k=10)
    assert [hit.id for hit in result.hits] == [1]
    assert result.filtered_out == {"language:ja": 4, "experience": 1}


def test_filtered_search_still_returns_k_results(make_matcher):
    many = [
        record(i, f"patent attorney number {i} semiconductors", country="CN" if i % 10 == 0 else "DE")
        for i in range(1, 501)
    ]
    matcher = make_matcher(many)
    result = matcher.search(
        "professional", Query("patent attorney", filters=Filters(countries=frozenset({"CN"}))), k=20
    )
    assert len(result.hits) == 20
    assert result.total == 50
    assert all(hit.id % 10 == 0 for hit in result.hits)


def test_filters_narrow_by_service_field_and_qualification(make_matcher):
    matcher = make_matcher(CORPUS)

    def only(**filters) -> set[int]:
        return {
            h.id for h in matcher.search("professional", Query("patent", filters=Filters(**filters)), 10).hits
        }

    assert only(services=frozenset({"appraisal_valuation"})) == {3}
    assert only(fields=frozenset({"semiconductors"})) == {1, 5}
    assert only(qualifications=frozenset({"european_patent_attorney"})) == {4}
    assert only(languages=frozenset({"fr"})) == {4}
    assert only(min_experience=15) == {3}


def test_explanation_has_components_reasons_and_best_sentence(make_matcher):
    body = "I studied physics in Kyoto. I draft patents on EUV lithography and etching. I enjoy hiking."
    matcher = make_matcher(
        weight_lexical=0.1,
        records=[
            record(
                1,
                body,
                body=body,
                languages={"ja": 7},
                services=frozenset({"agency"}),
                years_experience=9,
                country="JP",
            )
        ],
    )
    query = Query(
        "lithography etching patents",
        requirements=Requirements(
            languages={"ja": 5}, services=frozenset({"agency"}), min_experience=5, location="CN"
        ),
    )
    hit = matcher.search("professional", query).hits[0]
    assert set(hit.components) == {"semantic", "lexical", "structured"}
    codes = {reason.code for reason in hit.reasons}
    assert {"shared_services", "speaks_required", "experience", "based_elsewhere", "shared_terms"} <= codes
    assert hit.best_sentence == "I draft patents on EUV lithography and etching."
    assert hit.best_sentence_lang == "en"


def test_index_is_saved_with_manifest_and_reloaded_without_encoding(make_matcher, tmp_path):
    make_matcher(CORPUS)
    manifest = json.loads((tmp_path / "index" / "professional" / "manifest.json").read_text())
    assert manifest["count"] == 5
    assert manifest["model"] == "fake-128"
    assert manifest["dim"] == 128
    assert len(manifest["checksum"]) == 64

    class CountingEncoder(FakeEncoder):
        calls = 0

        def encode(self, texts, **kwargs):
            CountingEncoder.calls += len(texts)
            return super().encode(texts, **kwargs)

    fresh = Matcher(
        CountingEncoder(dim=128), EmbeddingCache(tmp_path / "other-cache.sqlite"), tmp_path / "index"
    )
    assert fresh.load("professional", CORPUS) == "loaded"
    assert CountingEncoder.calls == 0


def test_corrupt_index_is_rebuilt_with_a_log_line(make_matcher, tmp_path, caplog):
    make_matcher(CORPUS)
    index_file = tmp_path / "index" / "professional" / "index.faiss"
    data = bytearray(index_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    index_file.write_bytes(bytes(data))
    matcher = Matcher(FakeEncoder(dim=128), EmbeddingCache(tmp_path / "cache.sqlite"), tmp_path / "index")
    with caplog.at_level("WARNING"):
        outcome = matcher.load("professional", CORPUS)
    assert outcome.startswith("rebuilt (corrupt")
    assert "rebuilding professional index" in caplog.text
    assert matcher.search("professional", Query("EPO biotech oppositions")).hits[0].id == 4
    VectorIndex.load(tmp_path / "index" / "professional", model="fake-128")  # the new one is sound


def test_missing_and_stale_index_are_rebuilt(make_matcher, tmp_path):
    make_matcher(CORPUS)
    matcher = Matcher(FakeEncoder(dim=128), EmbeddingCache(tmp_path / "cache.sqlite"), tmp_path / "index")
    assert matcher.load("professional", CORPUS[:3]) == "rebuilt (stale)"
    assert matcher.load("institution", []) == "rebuilt (missing)"


def test_index_from_another_model_is_not_trusted(make_matcher, tmp_path):
    make_matcher(CORPUS)
    matcher = Matcher(FakeEncoder(dim=64), EmbeddingCache(tmp_path / "cache.sqlite"), tmp_path / "index")
    assert matcher.load("professional", CORPUS).startswith("rebuilt (corrupt")


def test_upsert_and_remove_change_results_and_survive_reload(make_matcher, tmp_path):
    matcher = make_matcher(CORPUS)
    matcher.upsert(
        [record(6, "Customs recordal and anti-counterfeiting for trademarks in the Gulf", country="AE")]
    )
    assert matcher.search("professional", Query("customs recordal anti-counterfeiting Gulf")).hits[0].id == 6
    matcher.upsert(
        [record(2, "Agricultural seed variety licensing and plant variety protection", country="SG")]
    )
    assert matcher.search("professional", Query("plant variety protection seed licensing")).hits[0].id == 2
    matcher.remove("professional", [1])
    ids = {
        hit.id for hit in matcher.search("professional", Query("semiconductor lithography Japan"), 10).hits
    }
    assert 1 not in ids

    current = [r for r in CORPUS if r.id not in (1, 2)] + [
        record(6, "Customs recordal and anti-counterfeiting for trademarks in the Gulf", country="AE"),
        record(2, "Agricultural seed variety licensing and plant variety protection", country="SG"),
    ]
    reloaded = Matcher(FakeEncoder(dim=128), EmbeddingCache(tmp_path / "cache.sqlite"), tmp_path / "index")
    assert reloaded.load("professional", current) == "loaded"
    assert reloaded.search("professional", Query("plant variety protection")).hits[0].id == 2


def test_pagination_continues_the_ranking(make_matcher):
    matcher = make_matcher(CORPUS)
    first = matcher.search("professional", Query("patent"), k=2)
    second = matcher.search("professional", Query("patent"), k=2, offset=2)
    everything = matcher.search("professional", Query("patent"), k=5)
    assert [h.id for h in first.hits + second.hits] == [h.id for h in everything.hits[:4]]


def test_embedding_cache_encodes_each_text_once(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    encoder = FakeEncoder()
    vectors, encoded = encode_cached(encoder, cache, ["a text", "b text", "a text"], "passage")
    assert encoded == 2
    again, encoded_again = encode_cached(encoder, cache, ["b text", "a text"], "passage")
    assert encoded_again == 0
    np.testing.assert_allclose(again[1], vectors[0])


@pytest.mark.parametrize("index_type", ["flat", "hnsw"])
def test_index_upsert_remove_and_filter(index_type, tmp_path):
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(300, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(1000, 1300)
    index = VectorIndex.build(
        ids, vectors, hnsw_min_size=100 if index_type == "hnsw" else 10**9, min_recall=0.9
    )
    assert index.index_type == index_type
    _scores, found = index.search(vectors[5], 1)
    assert found[0] == 1005
    index.upsert([1005], vectors[6:7])  # 1005 now looks like 1006
    index.remove([1006])
    _scores, found = index.search(vectors[6], 1)
    assert found[0] == 1005
    _scores, found = index.search(vectors[7], 5, allowed_ids=np.array([1010, 1011, 1012]))
    assert set(found) == {1010, 1011, 1012}
    index.save(tmp_path / "ix", kind="professional", model="m", fingerprint="f")
    loaded, manifest = VectorIndex.load(tmp_path / "ix", model="m")
    assert manifest.count == 299 == loaded.count
    _scores, found = loaded.search(vectors[6], 1)
    assert found[0] == 1005
    loaded.upsert([2000], vectors[8:9])  # a memory-mapped index still takes changes
    assert loaded.search(vectors[8], 1)[1][0] in (2000, 1008)


def test_unmet_requirements_agree_with_the_search_filter(make_matcher):
    from matching.attributes import unmet_requirements

    requirements = Requirements(
        languages={"ja": 4}, qualifications=frozenset({"jp_benrishi"}), min_experience=10
    )
    matcher = make_matcher(CORPUS)
    found = {
        hit.id for hit in matcher.search("professional", Query("patent", requirements=requirements), 10).hits
    }
    assert found == {r.id for r in CORPUS if not unmet_requirements(requirements, r.attributes)} == {1}
    assert unmet_requirements(requirements, CORPUS[4].attributes) == [
        "language:ja",
        "qualification",
        "experience",
    ]


def test_lexical_evidence_is_off_by_default(make_matcher):
    hit = make_matcher(CORPUS).search("professional", Query("semiconductor lithography")).hits[0]
    assert "lexical" not in hit.components
    assert "shared_terms" not in {reason.code for reason in hit.reasons}
