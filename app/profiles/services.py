"""The professional's application: sections saved as a draft, submission, withdrawal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.dbtypes import utcnow
from app.errors import DomainError
from app.extensions import db
from app.profiles.models import Institution, ProfessionalProfile, Qualification
from app.taxonomy import QUALIFICATIONS, QualificationType
from app.textlang import resolve_language
from app.workflow import PROFILE_WORKFLOW, ApplicationStatus

EDITABLE = {ApplicationStatus.DRAFT, ApplicationStatus.REJECTED, ApplicationStatus.APPROVED}
MIN_SUMMARY_CHARS = 50


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # a lazy translated string
    required: bool
    is_complete: Callable[[ProfessionalProfile], bool]


SECTIONS = (
    Section(
        "basics",
        _l("About you"),
        True,
        lambda p: bool(p.full_name and p.headline and len(p.summary) >= MIN_SUMMARY_CHARS and p.country),
    ),
    Section("expertise", _l("Expertise"), True, lambda p: bool(p.professions and p.services and p.fields)),
    Section("qualifications", _l("Qualifications"), False, lambda p: bool(p.qualifications)),
    Section("languages", _l("Languages"), True, lambda p: bool(p.languages)),
    Section("engagement", _l("Availability"), True, lambda p: bool(p.engagement_types and p.availability)),
)
SECTION_KEYS = tuple(section.key for section in SECTIONS)


def get_profile_of(user) -> ProfessionalProfile | None:
    return db.session.scalar(sa.select(ProfessionalProfile).where(ProfessionalProfile.user_id == user.id))


def missing_sections(profile: ProfessionalProfile | None) -> list[Section]:
    return [s for s in SECTIONS if s.required and (profile is None or not s.is_complete(profile))]


def progress_percent(profile: ProfessionalProfile | None) -> int:
    required = [s for s in SECTIONS if s.required]
    return round(100 * (len(required) - len(missing_sections(profile))) / len(required))


def _check_editable(profile: ProfessionalProfile) -> None:
    if profile.status not in EDITABLE:
        if profile.status == ApplicationStatus.SUBMITTED:
            raise DomainError(_l("Your application is being reviewed. Withdraw it if you need to change it."))
        raise DomainError(_l("This application cannot be changed in its current state."))


def save_section(user, section: str, values: dict) -> ProfessionalProfile:
    """Save one section of the user's profile as it is (a draft may be incomplete).

    The first save of the "basics" section creates the profile. ``values`` holds the section's
    fields; ``qualifications`` is a list of (type, number) pairs, ``lang`` may be "auto".
    """
    profile = get_profile_of(user)
    if profile is None:
        if section != "basics":
            raise DomainError(_l("Start with the section “About you”."))
        profile = ProfessionalProfile(user=user, status=ApplicationStatus.DRAFT)
        db.session.add(profile)
    _check_editable(profile)
    values = dict(values)
    if section == "qualifications":
        _replace_qualifications(profile, values.pop("qualifications"))
    if "lang" in values:
        values["lang"] = resolve_language(
            values["lang"], f"{values.get('headline', '')}\n{values.get('summary', '')}"
        )
    for name, value in values.items():
        setattr(profile, name, value)
    db.session.flush()
    return profile


def _replace_qualifications(profile: ProfessionalProfile, entries: list[tuple[str, str]]) -> None:
    """Keep unchanged qualifications (and their verification), drop removed ones, add new ones."""
    wanted = {(kind, number.strip()) for kind, number in entries}
    for qualification in list(profile.qualifications):
        if (str(qualification.type), qualification.number) not in wanted:
            profile.qualifications.remove(qualification)
    present = {(str(q.type), q.number) for q in profile.qualifications}
    for kind, number in sorted(wanted - present):
        jurisdiction = QUALIFICATIONS[QualificationType(kind)].jurisdiction
        profile.qualifications.append(Qualification(type=kind, jurisdiction=jurisdiction, number=number))


def submit_profile(user) -> ProfessionalProfile:
    """Send the user's profile to the officers (first submission or after a rejection)."""
    profile = get_profile_of(user)
    missing = missing_sections(profile)
    if missing:
        names = ", ".join(str(s.title) for s in missing)
        raise DomainError(_l("Complete these sections before you submit: %(sections)s.", sections=names))
    PROFILE_WORKFLOW.apply(profile, ApplicationStatus.SUBMITTED, user)
    profile.submitted_at = utcnow()
    return profile


def withdraw_profile(user) -> ProfessionalProfile:
    profile = get_profile_of(user)
    PROFILE_WORKFLOW.apply(profile, ApplicationStatus.WITHDRAWN, user)
    return profile


def restore_profile(user) -> ProfessionalProfile:
    """A withdrawn application becomes a draft again, to be edited and submitted anew."""
    profile = get_profile_of(user)
    PROFILE_WORKFLOW.apply(profile, ApplicationStatus.DRAFT, user)
    return profile


def list_review_queue() -> list[ProfessionalProfile | Institution]:
    """Submitted applications of both kinds, oldest submission first."""
    submitted = ApplicationStatus.SUBMITTED
    profiles = db.session.scalars(
        sa.select(ProfessionalProfile).where(ProfessionalProfile.status == submitted)
    )
    institutions = db.session.scalars(sa.select(Institution).where(Institution.status == submitted))
    return sorted(
        [*profiles, *institutions], key=lambda application: (application.submitted_at, application.id)
    )
