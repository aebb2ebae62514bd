"""The institution's guided application: one form per section, plus representatives."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from app import taxonomy as t
from app.collation import sort_key
from app.forms import CheckboxesField, choices, enum_choices
from app.institutions.services import MIN_DESCRIPTION_CHARS
from app.locale import country_name, current_locale
from app.profiles.forms import PHONE

SIZE_TITLES = {
    t.InstitutionSize.MICRO: _l("1–9 people"),
    t.InstitutionSize.SMALL: _l("10–49 people"),
    t.InstitutionSize.MEDIUM: _l("50–249 people"),
    t.InstitutionSize.LARGE: _l("250 people or more"),
}

#: Jurisdictions that are not countries: regional and international filing routes.
REGIONAL_JURISDICTIONS = {
    "EP": _l("European patent (EPO)"),
    "EU": _l("European Union (EUIPO)"),
    "WO": _l("International (WIPO: PCT, Madrid, Hague)"),
}


def jurisdiction_name(code: str) -> str:
    """A country, or a regional or international route, named in the reader's locale."""
    if code in REGIONAL_JURISDICTIONS:
        return str(REGIONAL_JURISDICTIONS[code])
    return country_name(code)


def _sorted_by_name(pairs) -> list[tuple[str, str]]:
    locale = current_locale()
    return sorted(pairs, key=lambda pair: sort_key(pair[1], locale))


def jurisdiction_choices() -> list:
    """Regional routes first, then every country, named and sorted for the reader."""
    countries = [
        (code, name)
        for code, name in current_locale().territories.items()
        if len(code) == 2 and code.isalpha() and code not in REGIONAL_JURISDICTIONS
    ]
    regional = [(code, str(title)) for code, title in REGIONAL_JURISDICTIONS.items()]
    return choices(regional + _sorted_by_name(countries))


def iso_language_choices() -> list:
    """Every ISO 639-1 language CLDR names, sorted for the reader."""
    pairs = [(code, name) for code, name in current_locale().languages.items() if len(code) == 2]
    return choices(_sorted_by_name(pairs))


class NameEntry(Form):
    """The institution's name in one more language or script; a row left empty is ignored."""

    locale = SelectField(_l("Language"), choices=[], validators=[Optional()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])

    def validate_name(self, field) -> None:
        if self.locale.data and not field.data:
            raise ValidationError(_l("Enter the name."))
        if field.data and not self.locale.data:
            raise ValidationError(_l("Choose the language of this name."))


class OrganisationForm(FlaskForm):
    legal_name = StringField(
        _l("Legal name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("As registered, in its original script."),
    )
    other_names = FieldList(FormField(NameEntry), min_entries=1, max_entries=11)
    country = SelectField(_l("Country of registration"), validators=[DataRequired()])
    type = SelectField(_l("Type of institution"), validators=[DataRequired()])
    registration_number = StringField(
        _l("Registration number"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("The number in the commercial or professional register of your country."),
    )
    size = SelectField(_l("Size"), validators=[Optional()])
    website = URLField(
        _l("Website"),
        validators=[
            Optional(),
            Length(max=200),
            Regexp(r"^https?://", message=_l("Enter an address that starts with https:// or http://.")),
            URL(message=_l("Enter a complete web address, e.g. https://www.example.com.")),
        ],
    )
    intent = SelectField(_l("What you plan in the zones"), validators=[DataRequired()])
    submit = SubmitField(_l("Save and continue"))

    def validate_other_names(self, field) -> None:
        locales = [entry.locale.data for entry in field.entries if entry.locale.data]
        if len(locales) != len(set(locales)):
            raise ValidationError(_l("One name per language, please."))


class ActivityForm(FlaskForm):
    services = CheckboxesField(
        _l("Services you provide"),
        choices=enum_choices(t.Service, t.SERVICE_TITLES),
        validators=[DataRequired(message=_l("Choose at least one."))],
    )
    jurisdictions = SelectMultipleField(
        _l("Jurisdictions you cover"),
        validators=[DataRequired(message=_l("Choose at least one."))],
        description=_l("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    languages = SelectMultipleField(
        _l("Working languages"),
        validators=[DataRequired(message=_l("Choose at least one."))],
        description=_l("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    submit = SubmitField(_l("Save and continue"))


class DescriptionForm(FlaskForm):
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(), Length(min=MIN_DESCRIPTION_CHARS, max=4000)],
        description=_l(
            "What your institution does, its clients and strengths, and what it wants to do in the zones, "
            "in the language you prefer."
        ),
    )
    lang = SelectField(_l("Language of the description"))
    submit = SubmitField(_l("Save and continue"))


class ZonesForm(FlaskForm):
    target_zones = CheckboxesField(
        _l("Zones where you would like to operate"),
        validators=[DataRequired(message=_l("Choose at least one."))],
    )
    submit = SubmitField(_l("Save and continue"))


class ContactForm(FlaskForm):
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=120)])
    contact_email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    contact_phone = StringField(_l("Phone"), validators=[Optional(), PHONE, Length(max=40)])
    submit = SubmitField(_l("Save"))


class InviteForm(FlaskForm):
    email = EmailField(_l("Your colleague's email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send the invitation"))


class JoinRegistrationForm(FlaskForm):
    """Registration of an invited colleague: the email is the one the invitation was sent to."""

    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    locale = SelectField(_l("Language for the site and mail"))
    consent = BooleanField(
        _l("I have read the privacy notice and agree that my data is processed as it describes."),
        validators=[DataRequired(message=_l("Your consent is needed to create an account."))],
    )
    submit = SubmitField(_l("Create account and join"))


def type_choices() -> list:
    return choices([("", _("Choose…"))]) + enum_choices(t.InstitutionType, t.INSTITUTION_TYPE_TITLES)


def size_choices() -> list:
    return choices([("", _("Not stated"))]) + enum_choices(t.InstitutionSize, SIZE_TITLES)


def name_language_choices(supported: tuple[str, ...], locale_name) -> list:
    return choices([("", _("Choose…"))] + [(code, locale_name(code)) for code in supported])


def intent_choices() -> list:
    return choices([("", _("Choose…"))]) + enum_choices(t.Intent, t.INTENT_TITLES)
