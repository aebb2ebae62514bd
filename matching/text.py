"""Text utilities shared by the engine: tokens for lexical matching, sentences, hashes."""

from __future__ import annotations

import hashlib
import re

# Han, Hiragana, Katakana, Hangul: scripts written without spaces between words.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN_RE = re.compile(f"[{CJK}]+|[^\\W{CJK}]+")
_CJK_START = re.compile(f"[{CJK}]")
# Sentence ends in Latin, CJK and Arabic punctuation, or line breaks.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?;。！？；؟])\s*|\n+")
MIN_SENTENCE_CHARS = 12


def tokens(text: str) -> list[str]:
    """Lowercased word tokens, with CJK runs cut into overlapping character bigrams.

    Bigrams are the usual unit for CJK retrieval without a dictionary: "专利代理" gives
    "专利", "利代", "代理", so a query for "专利代理师" still shares most of its tokens.
    """
    out: list[str] = []
    for run in _TOKEN_RE.findall(text.lower()):
        if _CJK_START.match(run):
            out.extend(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
        elif len(run) > 1 or run.isdigit():
            out.append(run)
    return out


def sentences(text: str) -> list[str]:
    """Split free text into sentences; short fragments are merged into the sentence before them."""
    parts = [part.strip() for part in _SENTENCE_END_RE.split(text) if part and part.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and len(part) < MIN_SENTENCE_CHARS:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
