"""The guided application forms: one form per section, each saved on its own."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app import taxonomy as t
from app.forms import CheckboxesField, enum_choices

PHONE = Regexp(
    r"^\+?[0-9 ()./-]{6,30}$", message=_l("Enter a phone number of digits, spaces and an optional +.")
)


class BasicsForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    headline = StringField(
        _l("Headline"),
        validators=[DataRequired(), Length(max=160)],
        description=_l(
            "One line: what you do and for whom, e.g. “European patent attorney for biotech oppositions”."
        ),
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[DataRequired(), Length(min=50, max=4000)],
        description=_l(
            "Your experience, specialisations and what you are looking for, in the language you prefer."
        ),
    )
    lang = SelectField(_l("Language of the summary"))
    country = SelectField(_l("Country where you work"), validators=[DataRequired()])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    phone = StringField(
        _l("Phone (shown to a recruiter only after you accept an invitation)"),
        validators=[Optional(), PHONE, Length(max=40)],
    )
    submit = SubmitField(_l("Save and continue"))


class ExpertiseForm(FlaskForm):
    professions = CheckboxesField(
        _l("Professions"),
        choices=enum_choices(t.Profession, t.PROFESSION_TITLES),
        validators=[DataRequired(message=_l("Choose at least one."))],
    )
    services = CheckboxesField(
        _l("Services you provide"),
        choices=enum_choices(t.Service, t.SERVICE_TITLES),
        validators=[DataRequired(message=_l("Choose at least one."))],
    )
    fields = CheckboxesField(
        _l("Technical fields"),
        choices=enum_choices(t.TechField, t.TECH_FIELD_TITLES),
        validators=[DataRequired(message=_l("Choose at least one."))],
    )
    years_experience = IntegerField(
        _l("Years of experience in IP work"), validators=[DataRequired(), NumberRange(min=0, max=60)]
    )
    submit = SubmitField(_l("Save and continue"))


class QualificationEntry(Form):
    """One qualification; a row left empty is ignored."""

    qualification = SelectField(_l("Qualification"), choices=[], validators=[Optional()])
    number = StringField(_l("Certificate or registration number"), validators=[Optional(), Length(max=40)])

    def validate_number(self, field) -> None:
        if not self.qualification.data and not field.data:
            return
        if not self.qualification.data:
            raise ValidationError(_l("Choose the qualification this number belongs to."))
        kind = t.QUALIFICATIONS[t.QualificationType(self.qualification.data)]
        if not field.data:
            raise ValidationError(_l("Enter the number."))
        if not kind.number_is_valid(field.data):
            raise ValidationError(
                _l(
                    "This number does not have the format of this qualification (expected e.g. %(example)s).",
                    example=kind.number_example,
                )
            )


class QualificationsForm(FlaskForm):
    entries = FieldList(FormField(QualificationEntry), min_entries=1, max_entries=10)
    submit = SubmitField(_l("Save and continue"))


class LanguageEntry(Form):
    code = SelectField(_l("Language"), choices=[], validators=[Optional()])
    level = SelectField(
        _l("Level"), choices=enum_choices(t.LanguageLevel, t.LANGUAGE_LEVEL_TITLES), validators=[Optional()]
    )


class LanguagesForm(FlaskForm):
    entries = FieldList(FormField(LanguageEntry), min_entries=1, max_entries=12)
    submit = SubmitField(_l("Save and continue"))

    def validate_entries(self, field) -> None:
        codes = [entry.code.data for entry in field.entries if entry.code.data]
        if not codes:
            raise ValidationError(_l("Add at least one language."))
        if len(codes) != len(set(codes)):
            raise ValidationError(_l("Each language once, please."))


class EngagementForm(FlaskForm):
    engagement_types = CheckboxesField(
        _l("How you would like to work with a zone"),
        choices=enum_choices(t.EngagementType, t.ENGAGEMENT_TITLES),
        validators=[DataRequired(message=_l("Choose at least one."))],
    )
    availability = SelectField(
        _l("Available"),
        choices=enum_choices(t.Availability, t.AVAILABILITY_TITLES),
        validators=[DataRequired()],
    )
    willing_to_relocate = BooleanField(_l("I am willing to relocate to China"))
    submit = SubmitField(_l("Save"))
