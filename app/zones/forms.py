"""The recruiter's form for a zone need."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app import taxonomy as t
from app.forms import CheckboxesField, choices, enum_choices
from app.textlang import AUTO, language_choices

LANGUAGE_ROWS = 3
MAX_OPENINGS = 1000


class LanguageRequirementForm(Form):
    """One required language and its minimum level; an empty row is ignored."""

    code = SelectField(_l("Language"), validators=[Optional()])
    level = SelectField(
        _l("At least"), choices=enum_choices(t.LanguageLevel, t.LANGUAGE_LEVEL_TITLES), default="B2"
    )


class NeedForm(FlaskForm):
    kind = SelectField(_l("Looking for"), choices=enum_choices(t.NeedKind, t.NEED_KIND_TITLES))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("In any language: candidates who wrote in other languages are found all the same."),
    )
    lang = SelectField(_l("Language of the text"), default=AUTO)
    required_languages = FieldList(
        FormField(LanguageRequirementForm), label=_l("Required languages"), min_entries=LANGUAGE_ROWS
    )
    services = CheckboxesField(_l("Services"), choices=enum_choices(t.Service, t.SERVICE_TITLES))
    fields = CheckboxesField(_l("Technical fields"), choices=enum_choices(t.TechField, t.TECH_FIELD_TITLES))
    required_qualifications = CheckboxesField(
        _l("Required qualifications (any one of them)"),
        choices=choices((code.value, kind.title) for code, kind in t.QUALIFICATIONS.items()),
    )
    min_experience = IntegerField(
        _l("Minimum years of experience"), default=0, validators=[Optional(), NumberRange(min=0, max=60)]
    )
    openings = IntegerField(
        _l("Openings"), default=1, validators=[InputRequired(), NumberRange(1, MAX_OPENINGS)]
    )
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    save = SubmitField(_l("Save as draft"))
    publish = SubmitField(_l("Save and publish"))

    def __init__(self, *args, previous_deadline: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.previous_deadline = previous_deadline
        # A need written in a language the list does not offer keeps it.
        self.lang.choices = language_choices(detect=True, extra=self.lang.data)
        for row in self.required_languages:
            row.form.code.choices = choices([("", "—")]) + language_choices()

    def validate_deadline(self, field) -> None:
        if field.data and field.data != self.previous_deadline and field.data < date.today():
            raise ValidationError(_l("The deadline is in the past."))

    def validate_required_languages(self, field) -> None:
        codes = [row.form.code.data for row in field if row.form.code.data]
        if len(codes) != len(set(codes)):
            # A plain string: the list's errors also hold its rows' error dicts, told apart by type.
            raise ValidationError(_("Each language once, please."))

    def language_requirements(self) -> list[dict]:
        return [
            {"code": row.form.code.data, "level": row.form.level.data}
            for row in self.required_languages
            if row.form.code.data
        ]
