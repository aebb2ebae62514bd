"""Imports every model so that Alembic and ``create_all`` see the whole schema."""

from app.accounts.models import LoginAttempt, User
from app.audit.models import AuditEvent
from app.matches.models import Alert, Invitation, Match, MatchNote, SavedSearch
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile, Qualification
from app.supervision.models import BlacklistEntry, MatchComment, Review, ScreeningHit
from app.zones.models import Zone, ZoneNeed

__all__ = [
    "Alert",
    "AuditEvent",
    "BlacklistEntry",
    "Institution",
    "Invitation",
    "LoginAttempt",
    "Match",
    "MatchComment",
    "MatchNote",
    "Opportunity",
    "ProfessionalProfile",
    "Qualification",
    "Review",
    "SavedSearch",
    "ScreeningHit",
    "User",
    "Zone",
    "ZoneNeed",
]
