from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.accounts.models import ApplicantKind
from app.forms import choices

EMAIL = [DataRequired(), Email(), Length(max=254)]


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=EMAIL)
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class LogoutForm(FlaskForm):
    """Signing out is a POST with a CSRF token, so another site cannot sign a user out."""

    submit = SubmitField(_l("Sign out"))


class RegistrationForm(FlaskForm):
    applicant_kind = RadioField(
        _l("I am applying as"),
        choices=choices(
            [
                (ApplicantKind.PROFESSIONAL, _l("an IP professional")),
                (ApplicantKind.INSTITUTION, _l("the representative of an IP institution")),
            ]
        ),
        default=ApplicantKind.PROFESSIONAL.value,
        validators=[DataRequired()],
    )
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=EMAIL)
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
    submit = SubmitField(_l("Create account"))


class EmailForm(FlaskForm):
    email = EmailField(_l("Email"), validators=EMAIL)
    submit = SubmitField(_l("Send the link"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Save the new password"))
