"""What a recruiter may see of a candidate, as plain values for the templates.

Recruiter pages never receive a profile, institution or opportunity row: they get a
``CandidateCard``, whose ``contact`` is filled only when the caller says the contact data may be
shown (``services.contact_visible``). A template therefore cannot leak an email address or a phone
number by reaching through a relationship.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.matches.documents import MODEL_OF_KIND
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile
from app.supervision.models import BlacklistEntry
from app.workflow import ApplicationStatus, OpportunityStatus


@dataclass(frozen=True)
class Contact:
    name: str | None
    emails: tuple[str, ...]
    phone: str | None


@dataclass(frozen=True)
class CandidateCard:
    """A candidate as listed for a recruiter; texts keep the language they were written in."""

    kind: str
    id: int
    name: str
    local_name: str | None  # the institution's name in the reader's locale, when it has one
    headline: str
    body: str
    lang: str
    country: str | None
    city: str = ""
    services: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    languages: tuple[tuple[str, str | None], ...] = ()  # (ISO code, level or None)
    qualifications: tuple[str, ...] = ()
    years_experience: int | None = None
    willing_to_relocate: bool | None = None
    institution_type: str | None = None
    intent: str | None = None
    direction: str | None = None
    budget: tuple[str, str] | None = None  # (amount, currency)
    deadline: object = None
    listed_at: datetime | None = None
    contact: Contact | None = field(default=None)


def is_visible(obj, barred: frozenset[int] | None = None) -> bool:
    """May a recruiter see this candidate: approved (opportunities: open, owner approved), not barred.

    Args:
        obj: A profile, institution or opportunity.
        barred: ``blacklisted_institution_ids()``, when the caller checks many candidates.
    """
    if isinstance(obj, ProfessionalProfile):
        return obj.status == ApplicationStatus.APPROVED
    if isinstance(obj, Institution):
        if barred is None:
            barred = blacklisted_institution_ids()
        return obj.status == ApplicationStatus.APPROVED and obj.id not in barred
    if isinstance(obj, Opportunity):
        owner = obj.profile or obj.institution
        return obj.status == OpportunityStatus.OPEN and owner is not None and is_visible(owner, barred)
    return False


def blacklisted_institution_ids(session=None) -> frozenset[int]:
    """Institutions whose registration number is on the blacklist of barred agencies.

    Officers normally suspend them; until they do, this keeps them out of every recruiter page.
    """
    session = session or db.session
    query = (
        sa.select(Institution.id)
        .join(BlacklistEntry, BlacklistEntry.registration_number == Institution.registration_number)
        .where(sa.or_(BlacklistEntry.country.is_(None), BlacklistEntry.country == Institution.country))
    )
    return frozenset(session.scalars(query))


def hidden_ids(kind: str, session=None) -> frozenset[int]:
    """Indexed candidates of ``kind`` that recruiters must not see although the matcher holds them."""
    session = session or db.session
    barred = blacklisted_institution_ids(session)
    if kind == "institution":
        return barred
    if kind == "opportunity":
        owners_ok = sa.or_(
            Opportunity.profile.has(ProfessionalProfile.status == ApplicationStatus.APPROVED),
            Opportunity.institution.has(
                sa.and_(Institution.status == ApplicationStatus.APPROVED, Institution.id.not_in(barred))
            ),
        )
        query = sa.select(Opportunity.id).where(Opportunity.status == OpportunityStatus.OPEN, ~owners_ok)
        return frozenset(session.scalars(query))
    return frozenset()


def load_candidates(kind: str, ids: Iterable[int]) -> dict[int, object]:
    """The visible candidates of ``kind`` among ``ids``, by id (one query)."""
    ids = list(ids)
    if not ids:
        return {}
    model = MODEL_OF_KIND[kind]
    rows = db.session.scalars(sa.select(model).where(model.id.in_(ids)))
    barred = blacklisted_institution_ids()
    return {row.id: row for row in rows if is_visible(row, barred)}


def contact_of(obj) -> Contact:
    """The candidate's contact data: the person, the institution's contact, or the opportunity's owner."""
    if isinstance(obj, ProfessionalProfile):
        return Contact(obj.full_name, (obj.user.email,) if obj.user else (), obj.phone)
    if isinstance(obj, Institution):
        emails = [obj.contact_email, *(u.email for u in obj.representatives if u.is_active)]
        return Contact(obj.contact_name, tuple(dict.fromkeys(e for e in emails if e)), obj.contact_phone)
    return contact_of(obj.profile or obj.institution)


def card_of(obj, locale: str, *, contact: bool = False) -> CandidateCard:
    """The card of a profile, institution or opportunity; ``contact`` only when it may be shown."""
    details = contact_of(obj) if contact else None
    if isinstance(obj, ProfessionalProfile):
        return CandidateCard(
            kind="professional",
            id=obj.id,
            name=obj.full_name,
            local_name=None,
            headline=obj.headline,
            body=obj.summary,
            lang=obj.lang,
            country=obj.country,
            city=obj.city,
            services=tuple(obj.services),
            fields=tuple(obj.fields),
            languages=tuple((e["code"], e.get("level")) for e in obj.languages),
            qualifications=tuple(str(q.type) for q in obj.qualifications),
            years_experience=obj.years_experience,
            willing_to_relocate=obj.willing_to_relocate,
            listed_at=obj.reviewed_at or obj.created_at,
            contact=details,
        )
    if isinstance(obj, Institution):
        local = obj.name_in(locale)
        return CandidateCard(
            kind="institution",
            id=obj.id,
            name=obj.legal_name,
            local_name=local if local != obj.legal_name else None,
            headline="",
            body=obj.description,
            lang=obj.lang,
            country=obj.country,
            services=tuple(obj.services),
            languages=tuple((code, None) for code in obj.languages),
            institution_type=str(obj.type),
            intent=str(obj.intent),
            listed_at=obj.reviewed_at or obj.created_at,
            contact=details,
        )
    owner = obj.profile or obj.institution
    return CandidateCard(
        kind="opportunity",
        id=obj.id,
        name=owner.full_name if isinstance(owner, ProfessionalProfile) else owner.legal_name,
        local_name=None,
        headline=obj.title,
        body=obj.description,
        lang=obj.lang,
        country=owner.country,
        services=(str(obj.service),),
        fields=tuple(obj.fields),
        direction=str(obj.direction),
        budget=(str(obj.budget_amount), obj.currency) if obj.budget_amount is not None else None,
        deadline=obj.deadline,
        listed_at=obj.created_at,
        contact=details,
    )


def candidate_of(match):
    """The profile, institution or opportunity a match pairs with its need."""
    return match.profile or match.institution or match.opportunity


def kind_of(match) -> str:
    if match.profile_id is not None:
        return "professional"
    return "institution" if match.institution_id is not None else "opportunity"
