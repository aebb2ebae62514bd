"""Builders of flushed domain objects with sensible defaults; override any field by keyword."""

from __future__ import annotations

import itertools
from datetime import date

from app.accounts.models import User
from app.dbtypes import utcnow
from app.extensions import db
from app.matches.models import Match
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile
from app.workflow import ApplicationStatus, MatchStage, NeedStatus, OpportunityStatus, Role
from app.zones.models import Zone, ZoneNeed

PASSWORD = "correct horse battery staple"
_serial = itertools.count(1)


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def make_zone(**fields) -> Zone:
    n = next(_serial)
    values = {
        "code": f"zone-{n}",
        "names": {"en": f"Test Zone {n}", "zh_Hans": f"测试园区{n}"},
        "level": "national",
        "region": "CN-JS",
        "city": "Suzhou",
        "clusters": ["semiconductors"],
        "description": "",
        "lang": "zh",
    }
    return _add(Zone(**values | fields))


def make_user(role=Role.APPLICANT, **fields) -> User:
    n = next(_serial)
    if role == Role.RECRUITER and "zone" not in fields and "zone_id" not in fields:
        fields["zone"] = make_zone()
    defaults = {
        "email": f"user{n}@test.example",
        "display_name": f"User {n}",
        "role": role,
        "email_verified_at": utcnow(),
    }
    user = User(**defaults | fields)
    user.set_password(PASSWORD)
    return _add(user)


def make_profile(user: User | None = None, **fields) -> ProfessionalProfile:
    values = {
        "full_name": "Anna Berg",
        "headline": "European patent attorney",
        "lang": "en",
        "summary": "Patent attorney for semiconductor and battery inventions, EPO oppositions.",
        "professions": ["patent_attorney"],
        "services": ["agency"],
        "fields": ["semiconductors"],
        "languages": [{"code": "en", "level": "C2"}],
        "years_experience": 8,
        "country": "SE",
        "city": "Stockholm",
        "status": ApplicationStatus.DRAFT,
    }
    return _add(ProfessionalProfile(user=user or make_user(), **values | fields))


def make_institution(**fields) -> Institution:
    values = {
        "legal_name": "Berg & Lind Patentbyrå AB",
        "country": "SE",
        "type": "patent_agency",
        "registration_number": "556677-8899",
        "lang": "en",
        "intent": "representative_office",
        "contact_name": "Lars Lind",
        "contact_email": "lars@berglind.example",
        "status": ApplicationStatus.DRAFT,
    }
    return _add(Institution(**values | fields))


def make_need(zone: Zone | None = None, **fields) -> ZoneNeed:
    values = {
        "kind": "talent",
        "title": "Semiconductor patent attorney",
        "lang": "en",
        "description": "We need a patent attorney for semiconductor packaging inventions.",
        "status": NeedStatus.OPEN,
    }
    return _add(ZoneNeed(zone=zone or make_zone(), **values | fields))


def make_opportunity(profile: ProfessionalProfile | None = None, **fields) -> Opportunity:
    values = {
        "direction": "offer",
        "service": "agency",
        "title": "PCT filings into China",
        "lang": "en",
        "description": "Handling PCT national phase entries into China for European applicants.",
        "deadline": date(2027, 6, 30),
        "status": OpportunityStatus.DRAFT,
    }
    if "institution" not in fields:
        values["profile"] = profile or make_profile(status=ApplicationStatus.APPROVED)
    return _add(Opportunity(**values | fields))


def make_match(need: ZoneNeed | None = None, **fields) -> Match:
    values = {"stage": MatchStage.PROPOSED, "score": 50.0}
    if not {"profile", "institution", "opportunity"} & fields.keys():
        values["profile"] = make_profile(status=ApplicationStatus.APPROVED)
    return _add(Match(need=need or make_need(), **values | fields))
