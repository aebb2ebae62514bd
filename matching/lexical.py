"""Lexical evidence: BM25 over multilingual tokens (CJK as character bigrams)."""

from __future__ import annotations

import bm25s
import numpy as np

from matching.text import tokens


class LexicalIndex:
    """BM25 scores of a query against a fixed list of documents (rebuilt when they change)."""

    def __init__(self, ids: np.ndarray, texts: list[str]) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self._row_of = {int(record_id): row for row, record_id in enumerate(self.ids)}
        self._bm25 = bm25s.BM25()
        corpus = [tokens(text) or [""] for text in texts]  # bm25s needs a token in every document
        if corpus:
            self._bm25.index(corpus, show_progress=False)

    def scores(self, query_text: str, ids: np.ndarray) -> np.ndarray:
        """BM25 of ``query_text`` for each of ``ids`` (0 for ids not indexed)."""
        query_tokens = tokens(query_text)
        if not query_tokens or not len(self.ids):
            return np.zeros(len(ids), dtype=np.float32)
        all_scores = self._bm25.get_scores(query_tokens)
        rows = np.array([self._row_of.get(int(i), -1) for i in ids], dtype=np.int64)
        return np.where(rows >= 0, all_scores[np.maximum(rows, 0)], 0.0).astype(np.float32)

    def shared_terms(self, query_text: str, text: str, limit: int = 5) -> list[str]:
        """Query tokens that also occur in ``text`` (for explanations), longest first."""
        shared = set(tokens(query_text)) & set(tokens(text))
        return sorted(shared, key=lambda term: (-len(term), term))[:limit]
