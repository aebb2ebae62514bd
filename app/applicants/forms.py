from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.applicants.services import MAX_ANSWER_CHARS


class AnswerForm(FlaskForm):
    message = TextAreaField(
        _l("Message to the recruiter (optional)"), validators=[Length(max=MAX_ANSWER_CHARS)]
    )
    accept = SubmitField(_l("Accept"))
    decline = SubmitField(_l("Decline"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Delete my account and my data"))
