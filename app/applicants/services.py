"""The applicant's side of matching and their personal data: invitations, export, deletion."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import LoginAttempt, User
from app.audit.models import AuditEvent
from app.audit.services import record_event
from app.dbtypes import utcnow
from app.errors import DomainError, PermissionDeniedError
from app.extensions import db
from app.matches.documents import CANDIDATE_KINDS, query_for_need, record_of
from app.matches.engine import ensure_loaded
from app.matches.models import Invitation, InvitationStatus, Match
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile
from app.workflow import INSTITUTION_WORKFLOW, MATCH_WORKFLOW, ApplicationStatus, MatchStage
from app.zones.models import ZoneNeed
from matching.attributes import unmet_requirements
from matching.types import Filters, Hit, Query, Requirements

MAX_ANSWER_CHARS = 2000
NEED_POOL = 50  # needs fetched before those whose hard requirements the applicant fails are dropped


@dataclass(frozen=True)
class Recommendation:
    item: ZoneNeed | Opportunity
    hit: Hit


@dataclass(frozen=True)
class Recommendations:
    needs: list[Recommendation]
    opportunities: list[Recommendation]


def approved_application(user: User) -> ProfessionalProfile | Institution | None:
    profile = db.session.scalar(sa.select(ProfessionalProfile).where(ProfessionalProfile.user_id == user.id))
    for application in (profile, user.institution):
        if application is not None and application.status == ApplicationStatus.APPROVED:
            return application
    return None


def recommend(user: User, k: int = 10) -> Recommendations | None:
    """Open zone needs and opportunities that fit the user's approved application, best first.

    Needs whose hard requirements (languages, qualifications, experience) the applicant does not
    meet are left out. Returns None when the user has no approved application.
    """
    application = approved_application(user)
    if application is None:
        return None
    record = record_of(application)
    query = Query(
        record.text,
        record.lang,
        Requirements(services=record.attributes.services, fields=record.attributes.fields),
    )
    needs = []
    for hit in ensure_loaded("need").search("need", query, NEED_POOL).hits:
        need = db.session.get(ZoneNeed, hit.id)
        if record.kind in CANDIDATE_KINDS[need.kind] and not unmet_requirements(
            query_for_need(need, record.kind).requirements, record.attributes
        ):
            needs.append(Recommendation(need, hit))
    own = frozenset(o.id for o in _owned_opportunities(application))
    found = ensure_loaded("opportunity").search(
        "opportunity", Query(query.text, query.lang, query.requirements, Filters(exclude_ids=own)), k
    )
    opportunities = [Recommendation(db.session.get(Opportunity, hit.id), hit) for hit in found.hits]
    return Recommendations(needs[:k], opportunities)


def _owned_opportunities(application) -> list[Opportunity]:
    column = (
        Opportunity.profile_id if isinstance(application, ProfessionalProfile) else Opportunity.institution_id
    )
    return list(db.session.scalars(sa.select(Opportunity).where(column == application.id)))


def _candidate_condition(user: User):
    """Matches whose candidate is the user: their profile, their institution, or an opportunity of either."""
    own_profile = sa.select(ProfessionalProfile.id).where(ProfessionalProfile.user_id == user.id)
    conditions = [Match.profile_id.in_(own_profile)]
    own_opportunities = sa.select(Opportunity.id).where(Opportunity.profile_id.in_(own_profile))
    if user.institution_id is not None:
        conditions.append(Match.institution_id == user.institution_id)
        own_opportunities = own_opportunities.union(
            sa.select(Opportunity.id).where(Opportunity.institution_id == user.institution_id)
        )
    conditions.append(Match.opportunity_id.in_(own_opportunities))
    return sa.or_(*conditions)


def list_invitations(user: User) -> list[Invitation]:
    """Invitations to the user's profile, institution or opportunities, newest first."""
    query = (
        sa.select(Invitation)
        .join(Invitation.match)
        .where(_candidate_condition(user))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return list(db.session.scalars(query))


def count_pending_invitations(user: User) -> int:
    query = (
        sa.select(sa.func.count(Invitation.id))
        .join(Invitation.match)
        .where(_candidate_condition(user), Invitation.status == InvitationStatus.PENDING)
    )
    return db.session.scalar(query)


def get_own_invitation(user: User, invitation_id: int) -> Invitation:
    """The invitation if it was sent to the user; PermissionDeniedError otherwise (also when missing)."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation not in list_invitations(user):
        raise PermissionDeniedError(_l("This invitation was not sent to you."))
    return invitation


def answer_invitation(user: User, invitation: Invitation, *, accept: bool, message: str) -> Invitation:
    """Accept or decline the invitation, moving its match to accepted or declined.

    After an acceptance the recruiter may see the candidate's contact details.
    """
    if invitation.status != InvitationStatus.PENDING:
        raise DomainError(_l("You have answered this invitation already."))
    if len(message) > MAX_ANSWER_CHARS:
        raise DomainError(_l("Your message is too long (at most %(n)d characters).", n=MAX_ANSWER_CHARS))
    MATCH_WORKFLOW.apply(invitation.match, MatchStage.ACCEPTED if accept else MatchStage.DECLINED, user)
    invitation.match.moved_by_id = user.id
    invitation.match.moved_at = utcnow()
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.answer = message.strip() or None
    invitation.answered_at = utcnow()
    db.session.flush()
    return invitation


# --- personal data ----------------------------------------------------------------------------------


def export_data(user: User) -> dict:
    """Everything IPBridge holds about the user, as plain JSON values."""

    def row(obj, *names):
        return {name: _plain(getattr(obj, name)) for name in names}

    profile = db.session.scalar(sa.select(ProfessionalProfile).where(ProfessionalProfile.user_id == user.id))
    data = {
        "account": row(
            user,
            "email",
            "display_name",
            "locale",
            "role",
            "applicant_kind",
            "created_at",
            "email_verified_at",
            "last_login_at",
            "consent_version",
            "consented_at",
        ),
        "profile": None,
        "institution": None,
        "opportunities": [],
        "invitations": [],
        "activity": [
            row(event, "action", "target_type", "target_id", "created_at", "remote_addr")
            for event in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.actor_id == user.id))
        ],
    }
    owned = []
    if profile is not None:
        data["profile"] = row(
            profile,
            "full_name",
            "phone",
            "headline",
            "summary",
            "lang",
            "professions",
            "services",
            "fields",
            "languages",
            "years_experience",
            "country",
            "city",
            "willing_to_relocate",
            "engagement_types",
            "availability",
            "status",
            "submitted_at",
            "reviewed_at",
            "review_reason",
            "review_comment",
        )
        data["profile"]["qualifications"] = [
            row(q, "type", "jurisdiction", "number", "is_verified") for q in profile.qualifications
        ]
        owned += db.session.scalars(sa.select(Opportunity).where(Opportunity.profile_id == profile.id)).all()
    if user.institution is not None:
        institution = user.institution
        data["institution"] = row(
            institution,
            "legal_name",
            "names",
            "country",
            "type",
            "registration_number",
            "contact_name",
            "contact_email",
            "contact_phone",
            "status",
        )
        owned += db.session.scalars(
            sa.select(Opportunity).where(Opportunity.institution_id == institution.id)
        ).all()
    data["opportunities"] = [
        row(
            o,
            "direction",
            "service",
            "title",
            "description",
            "budget_amount",
            "currency",
            "deadline",
            "status",
        )
        for o in owned
    ]
    data["invitations"] = [
        row(i, "kind", "message", "status", "answer", "created_at", "answered_at")
        for i in list_invitations(user)
    ]
    return data


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # enums, decimals


def delete_account(user: User, password: str) -> None:
    """Erase the user's personal data: account, profile, its matches and opportunities, sign-in records.

    The audit trail keeps its events (statuses and decisions only) with no actor. An institution
    whose last representative leaves is withdrawn and loses its contact person's data.

    Raises:
        DomainError: the password is wrong.
    """
    if not user.check_password(password):
        raise DomainError(_l("The password is not correct."))
    user_id, email = user.id, user.email
    profile = db.session.scalar(sa.select(ProfessionalProfile).where(ProfessionalProfile.user_id == user.id))
    if profile is not None:
        db.session.delete(profile)  # cascades to qualifications, its opportunities and matches
    institution = user.institution
    if institution is not None and len(institution.representatives) == 1:
        if institution.status != ApplicationStatus.WITHDRAWN:
            INSTITUTION_WORKFLOW.apply(institution, ApplicationStatus.WITHDRAWN, user)
        institution.contact_name, institution.contact_email, institution.contact_phone = "", "", None
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == email))
    db.session.delete(user)
    db.session.flush()
    record_event(None, "account.delete", None, after={"user_id": user_id})
