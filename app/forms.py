"""Form helpers shared by every domain."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


def choices(pairs) -> list[SelectChoice]:
    """Select or radio options from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def enum_choices(enum: type[StrEnum], titles: dict) -> list[SelectChoice]:
    """Options for every member of ``enum``, in its declared order, labelled by ``titles``."""
    return choices((member.value, titles[member]) for member in enum)


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(FlaskForm):
    """A button that changes something (submit, withdraw, delete, verify…): only the CSRF token travels."""

    submit = SubmitField(_l("Confirm"))
