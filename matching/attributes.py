"""Structured attributes of a kind's records, as columns: hard filters and the structured fit."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from matching.types import Attributes, Filters, Reason, Record, Requirements

# Location fit: working where the need is, or willing to move there, beats neither.
LOCATION_SAME, LOCATION_RELOCATE, LOCATION_ELSEWHERE = 1.0, 0.7, 0.3
EXPERIENCE_FULL_AFTER = 10  # years beyond the minimum at which the experience fit is full


class AttributeTable:
    """Columns of every record's attributes, aligned with ``ids``, for vectorised filters."""

    def __init__(self, records: list[Record]) -> None:
        n = len(records)
        self.ids = np.fromiter((r.id for r in records), dtype=np.int64, count=n)
        self.attributes = [r.attributes for r in records]
        self.years = np.array(
            [a.years_experience if a.years_experience is not None else -1 for a in self.attributes],
            dtype=np.int32,
        )
        self.countries = np.array([a.country or "" for a in self.attributes], dtype="<U2")
        self._language_rank: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n, dtype=np.int8))
        self._has: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(n, dtype=bool))
        for row, a in enumerate(self.attributes):
            for code, rank in a.languages.items():
                self._language_rank[code][row] = rank
            for group, codes in (
                ("service", a.services),
                ("field", a.fields),
                ("qualification", a.qualifications),
            ):
                for code in codes:
                    self._has[group, code][row] = True
        self._row_of = {int(record_id): row for row, record_id in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        return np.array([self._row_of[int(i)] for i in ids], dtype=np.int64)

    def _rank(self, code: str) -> np.ndarray:
        return self._language_rank[code] if code in self._language_rank else np.zeros(len(self), np.int8)

    def _has_any(self, group: str, codes: frozenset[str]) -> np.ndarray:
        mask = np.zeros(len(self), dtype=bool)
        for code in codes:
            if (group, code) in self._has:
                mask |= self._has[group, code]
        return mask

    def requirement_masks(self, requirements: Requirements) -> dict[str, np.ndarray]:
        """For each hard requirement, which records meet it (keyed by a code the app translates)."""
        masks = {}
        for code, rank in sorted(requirements.languages.items()):
            masks[f"language:{code}"] = self._rank(code) >= rank
        if requirements.qualifications:
            masks["qualification"] = self._has_any("qualification", requirements.qualifications)
        if requirements.min_experience:
            masks["experience"] = self.years >= requirements.min_experience
        return masks

    def filter_mask(self, filters: Filters) -> np.ndarray:
        mask = np.ones(len(self), dtype=bool)
        if filters.countries:
            mask &= np.isin(self.countries, list(filters.countries))
        if filters.languages:
            mask &= np.logical_or.reduce([self._rank(code) > 0 for code in filters.languages])
        for group, codes in (
            ("service", filters.services),
            ("field", filters.fields),
            ("qualification", filters.qualifications),
        ):
            if codes:
                mask &= self._has_any(group, codes)
        if filters.min_experience:
            mask &= self.years >= filters.min_experience
        if filters.exclude_ids:
            mask &= ~np.isin(self.ids, list(filters.exclude_ids))
        return mask

    def structured_fit(self, row: int, requirements: Requirements) -> tuple[float | None, list[Reason]]:
        """How well one record fits the soft requirements (0–1, None if nothing to compare), and why."""
        a = self.attributes[row]
        parts: list[float] = []
        reasons: list[Reason] = []
        for code, wanted, have in (
            ("services", requirements.services, a.services),
            ("fields", requirements.fields, a.fields),
        ):
            if wanted:
                shared = wanted & have
                parts.append(len(shared) / len(wanted))
                if shared:
                    reasons.append(Reason(f"shared_{code}", {"codes": sorted(shared)}))
        if requirements.languages:
            reasons.append(Reason("speaks_required", {"codes": sorted(requirements.languages)}))
        if requirements.qualifications:
            held = sorted(requirements.qualifications & a.qualifications)
            reasons.append(Reason("holds_qualification", {"codes": held}))
        if requirements.min_experience and a.years_experience is not None:
            extra = max(a.years_experience - requirements.min_experience, 0)
            parts.append(0.5 + 0.5 * min(extra / EXPERIENCE_FULL_AFTER, 1.0))
            reasons.append(
                Reason("experience", {"years": a.years_experience, "required": requirements.min_experience})
            )
        if requirements.location and a.country:
            if a.country == requirements.location:
                parts.append(LOCATION_SAME)
                reasons.append(Reason("located_in", {"country": a.country}))
            elif a.willing_to_relocate:
                parts.append(LOCATION_RELOCATE)
                reasons.append(Reason("willing_to_relocate", {"country": a.country}))
            else:
                parts.append(LOCATION_ELSEWHERE)
                reasons.append(Reason("based_elsewhere", {"country": a.country}))
        return (sum(parts) / len(parts) if parts else None), reasons


def unmet_requirements(requirements: Requirements, attributes: Attributes) -> list[str]:
    """The hard requirements one record fails (same codes as ``AttributeTable.requirement_masks``)."""
    unmet = [
        f"language:{code}"
        for code, rank in sorted(requirements.languages.items())
        if attributes.languages.get(code, 0) < rank
    ]
    if requirements.qualifications and not requirements.qualifications & attributes.qualifications:
        unmet.append("qualification")
    if requirements.min_experience and (attributes.years_experience or 0) < requirements.min_experience:
        unmet.append("experience")
    return unmet
