"""Form helpers shared by every domain."""

from __future__ import annotations

from enum import StrEnum

from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """Select or radio options from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def enum_choices(enum: type[StrEnum], titles: dict) -> list[SelectChoice]:
    """Options for every member of ``enum``, in its declared order, labelled by ``titles``."""
    return choices((member.value, titles[member]) for member in enum)
