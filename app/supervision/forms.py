"""Forms of the officer console and the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp, ValidationError

from app import taxonomy as t
from app.forms import CheckboxesField, choices, enum_choices
from app.supervision.models import DECISION_TITLES, REASONS_FOR, REVIEW_REASON_TITLES, Decision, ReviewReason
from app.workflow import ROLE_TITLES, Role

COMMENT = [Optional(), Length(max=2000)]


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"), choices=enum_choices(Decision, DECISION_TITLES), validators=[DataRequired()]
    )
    reason = SelectField(
        _l("Reason (the applicant reads it in their language)"),
        choices=choices([("", _l("Choose…")), *((r.value, REVIEW_REASON_TITLES[r]) for r in ReviewReason)]),
        validators=[DataRequired(message=_l("Choose a reason."))],
    )
    comment = TextAreaField(_l("Comment to the applicant"), validators=COMMENT, render_kw={"maxlength": 2000})
    version = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Record the decision"))

    def validate_reason(self, field) -> None:
        if self.decision.data in REASONS_FOR and field.data not in REASONS_FOR[Decision(self.decision.data)]:
            raise ValidationError(_l("This reason does not go with the decision."))

    def validate_comment(self, field) -> None:
        if self.reason.data == ReviewReason.OTHER and not (field.data or "").strip():
            raise ValidationError(_l("Explain the reason in the comment."))

    def validate_version(self, field) -> None:
        if not str(field.data).isdigit():
            raise ValidationError(_l("Reload the page and try again."))


class MatchDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"), choices=enum_choices(Decision, DECISION_TITLES), validators=[DataRequired()]
    )
    comment = TextAreaField(
        _l("Comment (kept with the match)"), validators=COMMENT, render_kw={"maxlength": 2000}
    )
    version = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Record the decision"))

    def validate_version(self, field) -> None:
        if not str(field.data).isdigit():
            raise ValidationError(_l("Reload the page and try again."))


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"), validators=[DataRequired(), Length(max=2000)], render_kw={"maxlength": 2000, "rows": 3}
    )
    submit = SubmitField(_l("Add the comment"))


class VerifyForm(FlaskForm):
    verified = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class BlacklistEntryForm(FlaskForm):
    name = StringField(_l("Name of the provider"), validators=[DataRequired(), Length(max=200)])
    registration_number = StringField(_l("Registration number"), validators=[Optional(), Length(max=60)])
    country = SelectField(_l("Country"), validators=[Optional()])
    reason = TextAreaField(_l("Why it is barred"), validators=[DataRequired(), Length(max=2000)])
    source = StringField(
        _l("Source"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("The authority's notice or decision, e.g. “CNIPA notice 2026-12”."),
    )
    listed_on = DateField(_l("Listed on"), validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class BlacklistImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l(
            "UTF-8, one provider a row, with the header row: "
            "name,registration_number,country,reason,source,listed_on (dates as 2026-03-31). "
            "A file with a wrong row is refused whole."
        ),
    )
    submit = SubmitField(_l("Import"))


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    actor = StringField(_l("Actor (id, email or name)"), validators=[Optional(), Length(max=254)])
    action = StringField(
        _l("Action"),
        validators=[Optional(), Length(max=64)],
        description=_l("Exact, or a prefix ending in a dot (“profile.”)."),
    )
    target_type = SelectField(_l("Target type"), validators=[Optional()])
    target_id = IntegerField(_l("Target id"), validators=[Optional(), NumberRange(min=1)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To (inclusive)"), validators=[Optional()])

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end is before the start."))


# --- administration --------------------------------------------------------------------------------

ROLE_CHOICES = enum_choices(Role, ROLE_TITLES)


class UserForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    zone_id = SelectField(_l("Zone (required for recruiters)"), validators=[Optional()])
    is_active = BooleanField(_l("Active (may sign in)"))
    submit = SubmitField(_l("Save"))

    def validate_zone_id(self, field) -> None:
        if self.role.data == Role.RECRUITER and not field.data:
            raise ValidationError(_l("A recruiter works for a zone: choose one."))


class NewUserForm(UserForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    locale = SelectField(_l("Language for the site and mail"))
    submit = SubmitField(_l("Create the account"))


ZONE_CODE = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Lower-case letters, digits and hyphens."))
REGION = Regexp(r"^[A-Z]{2}-[A-Z0-9]{1,3}$", message=_l("An ISO 3166-2 code such as CN-JS."))


class ZoneForm(FlaskForm):
    """A zone; ``name_<locale>`` fields are added per supported locale by ``zone_form``."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), ZONE_CODE])
    level = SelectField(
        _l("Level"), choices=enum_choices(t.ZoneLevel, t.ZONE_LEVEL_TITLES), validators=[DataRequired()]
    )
    region = StringField(_l("Region (ISO 3166-2)"), validators=[DataRequired(), Length(max=8), REGION])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=80)])
    clusters = CheckboxesField(
        _l("Industrial clusters"), choices=enum_choices(t.TechField, t.TECH_FIELD_TITLES)
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    lang = SelectField(_l("Language of the description"), validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


def zone_form(locales, locale_name, **kwargs) -> ZoneForm:
    """A ZoneForm with a name field per interface locale; the English name is required."""

    class LocalisedZoneForm(ZoneForm):
        pass

    for code in locales:
        validators = [DataRequired(), Length(max=200)] if code == "en" else [Optional(), Length(max=200)]
        setattr(LocalisedZoneForm, f"name_{code}", StringField(locale_name(code), validators=validators))
    return LocalisedZoneForm(**kwargs)
