"""Imports every model so that Alembic and ``create_all`` see the whole schema."""

from app.accounts.models import LoginAttempt, User
from app.audit.models import AuditEvent
from app.matches.models import Invitation, Match
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile, Qualification
from app.supervision.models import BlacklistEntry, Review
from app.zones.models import Zone, ZoneNeed

__all__ = [
    "AuditEvent",
    "BlacklistEntry",
    "Institution",
    "Invitation",
    "LoginAttempt",
    "Match",
    "Opportunity",
    "ProfessionalProfile",
    "Qualification",
    "Review",
    "User",
    "Zone",
    "ZoneNeed",
]
