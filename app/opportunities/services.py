"""Service-trade opportunities: posting, publishing, closing, and expiry at the deadline.

An opportunity belongs to its poster's professional profile, or to their institution (then every
representative of that institution may manage it). Only approved applicants post. The deadline is
the last day an opportunity is open: the day after, ``expire_overdue`` moves it to "expired".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from babel.numbers import is_currency
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit.services import record_event
from app.errors import DomainError, PermissionDeniedError
from app.extensions import db
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile
from app.profiles.services import get_profile_of
from app.textlang import resolve_language
from app.workflow import OPPORTUNITY_WORKFLOW, ApplicationStatus, OpportunityStatus

MAX_TITLE = 200
MAX_DESCRIPTION = 4000
MAX_BUDGET = Decimal("999999999999.99")  # Numeric(14, 2)
EDITABLE = {OpportunityStatus.DRAFT, OpportunityStatus.OPEN, OpportunityStatus.CLOSED}


def get_poster(user: User) -> ProfessionalProfile | Institution | None:
    """The application a user posts for: their professional profile, else their institution."""
    profile = get_profile_of(user)
    return profile if profile is not None else user.institution


def can_post(user: User) -> bool:
    poster = get_poster(user)
    return poster is not None and poster.status == ApplicationStatus.APPROVED


def _require_approved(user: User) -> ProfessionalProfile | Institution:
    if not can_post(user):
        raise PermissionDeniedError(
            _l("Only approved professionals and institutions can post opportunities.")
        )
    return get_poster(user)


def _owner_condition(user: User):
    profile = get_profile_of(user)
    conditions = []
    if profile is not None:
        conditions.append(Opportunity.profile_id == profile.id)
    if user.institution_id is not None:
        conditions.append(Opportunity.institution_id == user.institution_id)
    return sa.or_(*conditions) if conditions else sa.false()


def get_own_opportunity(user: User, opportunity_id: int) -> Opportunity | None:
    """The opportunity if it belongs to the user's profile or institution, else None."""
    return db.session.scalar(
        sa.select(Opportunity).where(Opportunity.id == opportunity_id, _owner_condition(user))
    )


def list_opportunities_of(user: User, today: date) -> list[Opportunity]:
    """The user's own opportunities, newest first; overdue ones are expired first."""
    expire_overdue(today)
    query = sa.select(Opportunity).where(_owner_condition(user)).order_by(Opportunity.id.desc())
    return list(db.session.scalars(query))


def expire_overdue(today: date) -> int:
    """Move every open opportunity whose deadline is before ``today`` to "expired" (as the system).

    Returns:
        How many expired.
    """
    overdue = db.session.scalars(
        sa.select(Opportunity).where(
            Opportunity.status == OpportunityStatus.OPEN, Opportunity.deadline < today
        )
    ).all()
    for opportunity in overdue:
        OPPORTUNITY_WORKFLOW.apply(opportunity, OpportunityStatus.EXPIRED, None)
    return len(overdue)


def _check_values(values: dict, today: date) -> None:
    """The rules the form checks too; services are also called without it."""
    if not values.get("title") or len(values["title"]) > MAX_TITLE:
        raise DomainError(_l("The title must have 1 to %(n)d characters.", n=MAX_TITLE))
    if not values.get("description") or len(values["description"]) > MAX_DESCRIPTION:
        raise DomainError(_l("The description must have 1 to %(n)d characters.", n=MAX_DESCRIPTION))
    amount, currency = values.get("budget_amount"), values.get("currency")
    if (amount is None) != (currency is None):
        raise DomainError(_l("Give the budget with its currency, or neither."))
    if amount is not None and amount < 0:
        raise DomainError(_l("The budget cannot be negative."))
    if amount is not None and amount > MAX_BUDGET:
        raise DomainError(_l("This budget is too large."))
    if currency is not None and not is_currency(currency):
        raise DomainError(_l("Choose a currency from the list."))
    if values["deadline"] <= today:
        raise DomainError(_l("The deadline must be in the future."))


def save_opportunity(
    user: User,
    values: dict,
    today: date,
    opportunity: Opportunity | None = None,
) -> Opportunity:
    """Create an opportunity (a draft) for the user's profile or institution, or change one of theirs.

    ``values`` holds direction, service, fields, jurisdictions, title, description, lang ("auto"
    detects it), budget_amount and currency (both or neither) and deadline.

    Raises:
        PermissionDeniedError: the user's application is not approved.
        DomainError: a value breaks a rule, or the opportunity has expired.
    """
    poster = _require_approved(user)
    _check_values(values, today)
    if opportunity is not None and opportunity.status not in EDITABLE:
        raise DomainError(_l("An expired opportunity cannot be changed; post a new one."))
    values = dict(values)
    values["lang"] = resolve_language(values["lang"], f"{values['title']}\n{values['description']}")
    created = opportunity is None
    if created:
        owner = {"institution": poster} if isinstance(poster, Institution) else {"profile": poster}
        opportunity = Opportunity(status=OpportunityStatus.DRAFT, **owner)
        db.session.add(opportunity)
    for name, value in values.items():
        setattr(opportunity, name, value)
    db.session.flush()
    if created:
        record_event(user, "opportunity.create", opportunity)
    return opportunity


def _check_not_overdue(opportunity: Opportunity, today: date) -> None:
    if opportunity.deadline < today:
        raise DomainError(_l("The deadline has passed. Move it to a later date first."))


def _open(user: User, opportunity: Opportunity, today: date) -> Opportunity:
    _require_approved(user)
    OPPORTUNITY_WORKFLOW.check(str(opportunity.status), OpportunityStatus.OPEN, user.role)
    _check_not_overdue(opportunity, today)
    OPPORTUNITY_WORKFLOW.apply(opportunity, OpportunityStatus.OPEN, user)
    return opportunity


def publish_opportunity(user: User, opportunity: Opportunity, today: date) -> Opportunity:
    """Open a draft to everyone it may match, until its deadline."""
    return _open(user, opportunity, today)


def close_opportunity(user: User, opportunity: Opportunity) -> Opportunity:
    """Take an open opportunity down (allowed even if the poster's approval has lapsed)."""
    OPPORTUNITY_WORKFLOW.apply(opportunity, OpportunityStatus.CLOSED, user)
    return opportunity


def reopen_opportunity(user: User, opportunity: Opportunity, today: date) -> Opportunity:
    """Open a closed opportunity again (not one whose deadline has passed)."""
    return _open(user, opportunity, today)
