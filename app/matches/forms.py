"""Forms of the recruiter's search, shortlist, board, invitations and saved searches."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app import taxonomy as t
from app.forms import choices
from app.locale import sorted_countries
from app.matches.services import BOARD_MOVES, MAX_MESSAGE, MAX_NOTE, SORTS
from app.textlang import TEXT_LANGUAGES
from app.workflow import STATUS_TITLES
from matching.types import Filters

KIND_TITLES = {
    "professional": _l("Professionals"),
    "institution": _l("Institutions"),
    "opportunity": _l("Service-trade opportunities"),
}
#: One candidate's kind, as a tag on its card.
KIND_TAGS = {
    "professional": _l("Professional"),
    "institution": _l("Institution"),
    "opportunity": _l("Service-trade opportunity"),
}
SORT_TITLES = {"score": _l("Best score"), "experience": _l("Most experience"), "newest": _l("Newest")}
ANY = ""


def _any(pairs) -> list:
    return choices([(ANY, _l("Any")), *pairs])


class FilterFields(FlaskForm):
    """Candidate kind, filters and sort, shared by the need's results and the free-text search."""

    kind = SelectField(_l("Candidates"))
    country = SelectField(_l("Country"), validators=[Optional()])
    language = SelectField(_l("Speaks"), validators=[Optional()])
    service = SelectField(_l("Service"), validators=[Optional()], choices=_any(t.SERVICE_TITLES.items()))
    field = SelectField(
        _l("Technical field"), validators=[Optional()], choices=_any(t.TECH_FIELD_TITLES.items())
    )
    qualification = SelectField(
        _l("Qualification"),
        validators=[Optional()],
        choices=_any((code.value, kind.title) for code, kind in t.QUALIFICATIONS.items()),
    )
    min_experience = IntegerField(
        _l("Minimum years of experience"), validators=[Optional(), NumberRange(min=0, max=60)]
    )

    def __init__(self, *args, kinds, language_name, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = choices((kind, KIND_TITLES[kind]) for kind in kinds)
        if self.kind.data not in kinds:
            self.kind.data = kinds[0]
        self.country.choices = _any(sorted_countries())
        self.language.choices = _any((code, language_name(code)) for code in TEXT_LANGUAGES)

    def filters(self) -> Filters:
        def one(value) -> frozenset[str]:
            return frozenset({value}) if value else frozenset()

        return Filters(
            countries=one(self.country.data),
            languages=one(self.language.data),
            services=one(self.service.data),
            fields=one(self.field.data),
            qualifications=one(self.qualification.data),
            min_experience=self.min_experience.data or 0,
        )


class ResultsForm(FilterFields):
    """Read from the query string: it changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    sort = SelectField(_l("Sort by"), choices=choices(SORT_TITLES.items()), default="score")

    @property
    def sort_key(self) -> str:
        return self.sort.data if self.sort.data in SORTS else "score"


class SearchForm(ResultsForm):
    q = TextAreaField(
        _l("What are you looking for?"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Describe the candidate in any language."),
    )


class SaveSearchForm(FilterFields):
    """Follow a need (``need_id``) or keep a free-text search (``q``), with the filters shown."""

    name = StringField(_l("Name of the saved search"), validators=[Optional(), Length(max=120)])
    threshold = IntegerField(
        _l("Tell me about candidates scoring at least"),
        default=60,
        validators=[InputRequired(message=_l("Give a score from 0 to 100.")), NumberRange(min=0, max=100)],
    )
    need_id = IntegerField(validators=[Optional()])
    q = TextAreaField(_l("Search text"), validators=[Optional(), Length(max=1000)])


class ShortlistForm(FlaskForm):
    need_id = IntegerField(_l("Need"), validators=[DataRequired()])
    kind = SelectField(choices=choices(KIND_TITLES.items()))
    candidate_id = IntegerField(validators=[DataRequired()])
    next = HiddenField(validators=[Optional(), Length(max=2000)])


class MoveForm(FlaskForm):
    target = SelectField(choices=choices((stage.value, STATUS_TITLES[stage]) for stage in BOARD_MOVES))


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=MAX_NOTE)])


class InviteForm(FlaskForm):
    message = TextAreaField(
        _l("Message to the candidate"),
        validators=[DataRequired(), Length(max=MAX_MESSAGE)],
        description=_l("Sent by mail in the candidate’s language, with a link to answer."),
    )
