"""The institution's application: sections saved as a draft, submission, and its representatives.

An institution is created by the first save of its first section; the user who saves it becomes
its first representative. Representatives invite colleagues by mail with a signed, expiring link;
any of them may edit the application and remove another representative (never the last one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.accounts.models import ApplicantKind, User
from app.accounts.services import TokenError, get_user_by_email
from app.audit.models import AuditEvent
from app.audit.services import record_event
from app.dbtypes import utcnow
from app.errors import DomainError
from app.extensions import db
from app.profiles.models import Institution
from app.profiles.services import EDITABLE, Section, get_profile_of
from app.textlang import resolve_language
from app.workflow import INSTITUTION_WORKFLOW, ApplicationStatus, Role
from app.zones.models import Zone

INVITATION_MAX_AGE = timedelta(days=7)
INVITATION_SALT = "ipbridge.institution-invitation"
REMOVE_ACTION = "institution.remove_representative"
MIN_DESCRIPTION_CHARS = 50

SECTIONS = (
    Section(
        "organisation",
        _l("Your institution"),
        True,
        lambda i: bool(i.legal_name and i.country and i.type and i.registration_number and i.intent),
    ),
    Section(
        "activity",
        _l("Services and coverage"),
        True,
        lambda i: bool(i.services and i.jurisdictions and i.languages),
    ),
    Section("description", _l("Description"), True, lambda i: len(i.description) >= MIN_DESCRIPTION_CHARS),
    Section("zones", _l("Target zones"), True, lambda i: bool(i.target_zones)),
    Section("contact", _l("Contact person"), True, lambda i: bool(i.contact_name and i.contact_email)),
)
SECTION_KEYS = tuple(section.key for section in SECTIONS)


def get_institution_of(user: User) -> Institution | None:
    return user.institution


def missing_sections(institution: Institution | None) -> list[Section]:
    return [s for s in SECTIONS if s.required and (institution is None or not s.is_complete(institution))]


def progress_percent(institution: Institution | None) -> int:
    required = [s for s in SECTIONS if s.required]
    return round(100 * (len(required) - len(missing_sections(institution))) / len(required))


def list_zones() -> list[Zone]:
    return list(db.session.scalars(sa.select(Zone).order_by(Zone.id)))


def _require_institution(user: User) -> Institution:
    if user.institution is None:
        raise DomainError(_l("You have not started an application yet."))
    return user.institution


def _check_editable(institution: Institution) -> None:
    if institution.status not in EDITABLE:
        if institution.status == ApplicationStatus.SUBMITTED:
            raise DomainError(_l("Your application is being reviewed. Withdraw it if you need to change it."))
        raise DomainError(_l("This application cannot be changed in its current state."))


def _create_institution(user: User) -> Institution:
    if get_profile_of(user) is not None:
        raise DomainError(
            _l("Your account holds a professional application; an institution needs an account of its own.")
        )
    institution = Institution(
        status=ApplicationStatus.DRAFT,
        lang=(user.locale or "en").split("_")[0],  # until the description says otherwise
        contact_name="",
        contact_email="",
    )
    db.session.add(institution)
    user.institution = institution
    user.applicant_kind = ApplicantKind.INSTITUTION
    return institution


def save_section(user: User, section: str, values: dict) -> Institution:
    """Save one section of the user's institution as it is (a draft may be incomplete).

    The first save of the "organisation" section creates the institution and makes the user its
    representative. ``target_zones`` is a list of zone ids; ``lang`` may be "auto".

    Raises:
        DomainError: no institution yet and another section, the application is locked, or a zone
            is unknown.
    """
    institution = user.institution
    created = institution is None
    if created:
        if section != SECTION_KEYS[0]:
            raise DomainError(_l("Start with the section “Your institution”."))
        institution = _create_institution(user)
    _check_editable(institution)
    values = dict(values)
    if "target_zones" in values:
        institution.target_zones = _zones(values.pop("target_zones"))
    if "lang" in values:
        values["lang"] = resolve_language(values["lang"], values.get("description", ""))
    for name, value in values.items():
        setattr(institution, name, value)
    db.session.flush()
    if created:
        record_event(user, "institution.create", institution, after={"representative_id": user.id})
    return institution


def _zones(ids: list[int]) -> list[Zone]:
    zones = list(db.session.scalars(sa.select(Zone).where(Zone.id.in_(ids)).order_by(Zone.id)))
    if len(zones) != len(set(ids)):
        raise DomainError(_l("One of the zones chosen does not exist."))
    return zones


def submit_institution(user: User) -> Institution:
    """Send the user's institution to the officers (first submission or after a rejection)."""
    institution = user.institution
    missing = missing_sections(institution)
    if missing:
        names = ", ".join(str(s.title) for s in missing)
        raise DomainError(_l("Complete these sections before you submit: %(sections)s.", sections=names))
    INSTITUTION_WORKFLOW.apply(institution, ApplicationStatus.SUBMITTED, user)
    institution.submitted_at = utcnow()
    return institution


def withdraw_institution(user: User) -> Institution:
    institution = _require_institution(user)
    INSTITUTION_WORKFLOW.apply(institution, ApplicationStatus.WITHDRAWN, user)
    return institution


def restore_institution(user: User) -> Institution:
    """A withdrawn application becomes a draft again, to be edited and submitted anew."""
    institution = _require_institution(user)
    INSTITUTION_WORKFLOW.apply(institution, ApplicationStatus.DRAFT, user)
    return institution


# --- representatives ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    """A representative's invitation of a colleague, as read back from its signed token."""

    institution: Institution
    email: str
    inviter: User
    issued_at: datetime


@dataclass(frozen=True)
class SentInvitation:
    """What the caller needs to mail an invitation: the token, and the language to write in."""

    token: str
    email: str
    locale: str | None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def get_representative(actor: User, user_id: int) -> User | None:
    """A representative of the actor's own institution, or None (another institution's included)."""
    member = db.session.get(User, user_id)
    if member is None or actor.institution_id is None or member.institution_id != actor.institution_id:
        return None
    return member


def invite_representative(inviter: User, email: str) -> SentInvitation:
    """Make the signed invitation of ``email`` to represent the inviter's institution.

    Whether the address has an account is not revealed: it decides only the language of the mail
    (the colleague's own, else the inviter's) and, later, what the link leads to.

    Raises:
        DomainError: the inviter has no institution, or the colleague represents it already.
    """
    institution = _require_institution(inviter)
    email = email.strip().lower()
    if any(member.email.lower() == email for member in institution.representatives):
        raise DomainError(_l("%(email)s already represents your institution.", email=email))
    token = _serializer().dumps({"institution": institution.id, "email": email, "by": inviter.id})
    record_event(inviter, "institution.invite_representative", institution)
    colleague = get_user_by_email(email)
    locale = colleague.locale if colleague is not None else inviter.locale
    return SentInvitation(token=token, email=email, locale=locale)


def read_invitation(token: str) -> Invitation:
    """The invitation behind ``token``.

    Raises:
        TokenError: the link is broken, too old, or its inviter no longer represents the institution.
    """
    try:
        data, issued_at = _serializer().loads(
            token, max_age=int(INVITATION_MAX_AGE.total_seconds()), return_timestamp=True
        )
    except SignatureExpired as error:
        raise TokenError(_l("This invitation has expired. Ask your colleague for a new one.")) from error
    except BadSignature as error:
        raise TokenError(_l("This invitation link is not valid.")) from error
    institution = db.session.get(Institution, data["institution"])
    inviter = db.session.get(User, data["by"])
    if institution is None or inviter is None or inviter.institution_id != institution.id:
        raise TokenError(_l("This invitation is no longer valid. Ask a representative for a new one."))
    return Invitation(institution=institution, email=data["email"], inviter=inviter, issued_at=issued_at)


def _removed_since(user: User, institution: Institution, since: datetime) -> bool:
    """Whether ``user`` was removed from ``institution`` after ``since`` (an older link is void)."""
    events = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == REMOVE_ACTION,
            AuditEvent.target_type == Institution.__tablename__,
            AuditEvent.target_id == institution.id,
            AuditEvent.created_at >= since,
        )
    )
    return any((event.before or {}).get("user_id") == user.id for event in events)


def accept_invitation(user: User, token: str) -> Institution:
    """Make ``user`` (the invited address's account) a representative of the institution.

    Raises:
        TokenError: see ``read_invitation``; or the user was removed after the link was sent.
        DomainError: the link was sent to another address, or this account cannot represent an
            institution (not an applicant, or it holds another application).
    """
    invitation = read_invitation(token)
    institution = invitation.institution
    if user.email.lower() != invitation.email:
        raise DomainError(_l("This invitation was sent to another email address."))
    if user.institution_id == institution.id:
        return institution
    if user.role != Role.APPLICANT:
        raise DomainError(_l("Only applicant accounts can represent an institution."))
    if user.institution_id is not None:
        raise DomainError(_l("You represent another institution already."))
    if get_profile_of(user) is not None:
        raise DomainError(
            _l("Your account holds a professional application; an institution needs an account of its own.")
        )
    if _removed_since(user, institution, invitation.issued_at):
        raise TokenError(_l("This invitation is no longer valid. Ask a representative for a new one."))
    user.institution = institution
    user.applicant_kind = ApplicantKind.INSTITUTION
    record_event(user, "institution.join", institution, after={"user_id": user.id})
    return institution


def remove_representative(actor: User, member: User) -> Institution:
    """Take ``member`` off the actor's institution; the institution keeps at least one representative.

    Raises:
        DomainError: ``member`` does not represent the actor's institution, or is the last one.
    """
    institution = _require_institution(actor)
    if member.institution_id != institution.id:
        raise DomainError(_l("This person does not represent your institution."))
    if len(institution.representatives) <= 1:
        raise DomainError(_l("An institution needs at least one representative."))
    member.institution = None
    record_event(actor, REMOVE_ACTION, institution, before={"user_id": member.id})
    return institution
