"""The form of a service-trade opportunity."""

from __future__ import annotations

import functools

from babel.numbers import get_territory_currencies
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app import taxonomy as t
from app.collation import sort_key
from app.dbtypes import utcnow
from app.forms import CheckboxesField, choices, enum_choices
from app.locale import currency_name, current_locale
from app.opportunities.services import MAX_BUDGET, MAX_DESCRIPTION, MAX_TITLE


@functools.cache
def _currencies_in_use() -> tuple[str, ...]:
    """ISO 4217 codes legal tender somewhere today, per CLDR (no historical or fund codes)."""
    from babel import Locale

    codes: set[str] = set()
    for territory in Locale.parse("en").territories:
        if len(territory) == 2 and territory.isalpha():
            codes.update(get_territory_currencies(territory, tender=True))
    return tuple(sorted(codes))


def currency_choices() -> list:
    """Every currency in use, named by CLDR in the reader's locale and sorted by that name."""
    locale = current_locale()
    named = [(code, f"{currency_name(code)} ({code})") for code in _currencies_in_use()]
    named.sort(key=lambda pair: sort_key(pair[1], locale))
    return choices([("", _("No budget given")), *named])


class OpportunityForm(FlaskForm):
    direction = RadioField(
        _l("You"),
        choices=choices(
            [
                (t.Direction.OFFER, _l("offer a service")),
                (t.Direction.REQUEST, _l("are looking for a service")),
            ]
        ),
        validators=[DataRequired()],
    )
    service = SelectField(_l("Service"), validators=[DataRequired()])
    fields = CheckboxesField(_l("Technical fields"), choices=enum_choices(t.TechField, t.TECH_FIELD_TITLES))
    jurisdictions = SelectMultipleField(
        _l("Jurisdictions"), description=_l("Hold Ctrl (⌘ on a Mac) to choose several.")
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(), Length(max=MAX_DESCRIPTION)],
        description=_l("What is offered or wanted, for whom, and on what terms, in the language you prefer."),
    )
    lang = SelectField(_l("Language of the text"))
    budget_amount = DecimalField(
        _l("Budget"),
        places=2,
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("The budget cannot be negative.")),
            NumberRange(max=MAX_BUDGET, message=_l("This budget is too large.")),
        ],
    )
    currency = SelectField(_l("Currency"), validators=[Optional()])
    deadline = DateField(
        _l("Deadline"),
        validators=[DataRequired(message=_l("Enter a date."))],
        description=_l("The last day the opportunity is open; it expires after that."),
    )
    submit = SubmitField(_l("Save"))

    def validate_deadline(self, field) -> None:
        if field.data is not None and field.data <= utcnow().date():
            raise ValidationError(_l("The deadline must be in the future."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        has_amount = self.budget_amount.data is not None and not self.budget_amount.errors
        if has_amount and not self.currency.data:
            self.currency.errors.append(_("Choose the currency of the budget."))
            valid = False
        if self.currency.data and self.budget_amount.data is None and not self.budget_amount.errors:
            self.budget_amount.errors.append(_("Enter the amount, or choose no currency."))
            valid = False
        return valid
