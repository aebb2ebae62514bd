"""Form helpers shared by every domain."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from flask import abort, flash, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from app.errors import DomainError, PermissionDeniedError
from app.extensions import db


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


def confirmed_action(action: Callable[[], object], done_message: str, back_url: str):
    """Run ``action`` for a ConfirmForm POST and go back to ``back_url``.

    Commits and flashes ``done_message``; a broken rule (DomainError) is rolled back and flashed
    instead. PermissionDeniedError propagates, to become the 403 page.
    """
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action()
    except PermissionDeniedError:
        raise
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back_url)
    db.session.commit()
    flash(done_message, "success")
    return redirect(back_url)


def next_section_url(endpoint: str, sections: tuple[str, ...], section: str, done_url: str) -> str:
    """Where a guided form goes after ``section`` is saved: the next section, or ``done_url``."""
    position = sections.index(section)
    if position + 1 < len(sections):
        return url_for(endpoint, section=sections[position + 1])
    return done_url
