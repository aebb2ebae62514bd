"""Loading the shipped demo data set (``flask demo load``).

The data lives in ``app/demo/data/*.json``, hand-written in many languages. Loading is idempotent:
each record has a natural key (zone code, email, registration number, owner and title) and a
record that exists already is left as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from app.accounts.models import User
from app.audit.services import record_event
from app.dbtypes import utcnow
from app.extensions import db
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile, Qualification
from app.taxonomy import QUALIFICATIONS, QualificationType
from app.workflow import ApplicationStatus, NeedStatus, OpportunityStatus, Role
from app.zones.models import Zone, ZoneNeed

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: Role
    display_name: str
    profile_key: str | None = None  # the demo applicant signs in to this profile of the data set
    zone_code: str | None = None


# Demo mode only: these passwords are published in the README.
DEMO_ACCOUNTS = (
    DemoAccount("applicant@ipbridge.example", "demo-applicant-2026", Role.APPLICANT, "Marie Lefèvre", "p001"),
    DemoAccount(
        "recruiter@ipbridge.example", "demo-recruiter-2026", Role.RECRUITER, "王晓宁", zone_code="suzhou-sip"
    ),
    DemoAccount("officer@ipbridge.example", "demo-officer-2026", Role.OFFICER, "陈立华"),
    DemoAccount("admin@ipbridge.example", "demo-admin-2026", Role.ADMIN, "IPBridge Admin"),
)

DEMO_PROFILE_OWNERS = {account.profile_key: account for account in DEMO_ACCOUNTS if account.profile_key}

# The interface locale a demo person gets, from the language they write in.
UI_LOCALE_OF_LANG = {"zh": "zh_Hans", "it": "en"}


class DemoDataError(ValueError):
    """The shipped data set is inconsistent; names the file and record."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.created.values())


def read_data(name: str) -> list[dict]:
    """Records of every ``<name>*.json`` file, in file order."""
    records = []
    for path in sorted(DATA_DIR.glob(f"{name}*.json")):
        records.extend(json.loads(path.read_text(encoding="utf-8")))
    return records


def load_demo_data() -> LoadReport:
    """Create whatever part of the demo data set is missing; flush, do not commit."""
    report = LoadReport()
    zones = {zone["code"]: _load_zone(zone, report) for zone in read_data("zones")}
    profiles = {p["key"]: _load_profile(p, report) for p in read_data("professionals")}
    institutions = {i["key"]: _load_institution(i, zones, report) for i in read_data("institutions")}
    for record in read_data("opportunities"):
        _load_opportunity(record, profiles, institutions, report)
    for record in read_data("needs"):
        _load_need(record, zones, report)
    for account in DEMO_ACCOUNTS:
        _load_account(account, zones, report)
    db.session.flush()
    if report.total:
        record_event(None, "demo.load", None, after=report.created)
    return report


def _require(condition: bool, record: dict, message: str) -> None:
    if not condition:
        raise DemoDataError(f"demo record {record.get('key') or record.get('code')}: {message}")


def _load_zone(record: dict, report: LoadReport) -> Zone:
    zone = db.session.scalar(sa.select(Zone).where(Zone.code == record["code"]))
    if zone is None:
        zone = Zone(
            code=record["code"],
            names=record["names"],
            level=record["level"],
            region=record["region"],
            city=record["city"],
            clusters=record["clusters"],
            description=record["description"],
            lang=record["lang"],
        )
        db.session.add(zone)
        report.count("zones")
    return zone


def _status_dates(status: str, age_days: int) -> dict:
    """Plausible submission and review times, spread so that queues have an order."""
    submitted = utcnow() - timedelta(days=age_days, hours=age_days % 7)
    dates = {}
    if status != ApplicationStatus.DRAFT:
        dates["submitted_at"] = submitted
    if status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED):
        dates["reviewed_at"] = submitted + timedelta(days=2)
    return dates


def _user_for(name: str, email: str, lang: str, password: str | None = None) -> User:
    user = User(
        email=email.lower(),
        display_name=name,
        role=Role.APPLICANT,
        locale=UI_LOCALE_OF_LANG.get(lang, lang),
        email_verified_at=utcnow(),
        consent_version="demo",
        consented_at=utcnow(),
    )
    # Only the demo accounts can sign in; the other people of the data set have no password.
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    return user


def _load_profile(record: dict, report: LoadReport) -> ProfessionalProfile:
    account = DEMO_PROFILE_OWNERS.get(record["key"])
    email = account.email if account else record["email"]
    user = db.session.scalar(sa.select(User).where(User.email == email.lower()))
    if user is not None:
        return user.profile
    for qualification in record["qualifications"]:
        kind = QUALIFICATIONS[QualificationType(qualification["type"])]
        _require(kind.number_is_valid(qualification["number"]), record, f"bad number {qualification}")
    age_days = 3 + int(record["key"][1:]) % 60
    profile = ProfessionalProfile(
        user=_user_for(record["name"], email, record["lang"], account.password if account else None),
        full_name=record["name"],
        phone=record.get("phone"),
        headline=record["headline"],
        summary=record["summary"],
        lang=record["lang"],
        professions=record["professions"],
        services=record["services"],
        fields=record["fields"],
        languages=record["languages"],
        years_experience=record["years_experience"],
        country=record["country"],
        city=record["city"],
        willing_to_relocate=record["willing_to_relocate"],
        engagement_types=record["engagement_types"],
        availability=record["availability"],
        status=ApplicationStatus(record["status"]),
        qualifications=[
            Qualification(type=q["type"], jurisdiction=q["jurisdiction"], number=q["number"])
            for q in record["qualifications"]
        ],
        **_status_dates(record["status"], age_days),
    )
    db.session.add(profile)
    report.count("professionals")
    return profile


def _load_institution(record: dict, zones: dict[str, Zone], report: LoadReport) -> Institution:
    institution = db.session.scalar(
        sa.select(Institution).where(
            Institution.registration_number == record["registration_number"],
            Institution.country == record["country"],
            Institution.legal_name == record["legal_name"],
        )
    )
    if institution is not None:
        return institution
    _require(all(code in zones for code in record["target_zones"]), record, "unknown target zone")
    contact = record["contact"]
    age_days = 5 + int(record["key"][1:]) % 40
    institution = Institution(
        legal_name=record["legal_name"],
        names=record["names"],
        country=record["country"],
        type=record["type"],
        services=record["services"],
        jurisdictions=record["jurisdictions"],
        languages=record["languages"],
        registration_number=record["registration_number"],
        size=record["size"],
        description=record["description"],
        lang=record["lang"],
        intent=record["intent"],
        website=record.get("website"),
        contact_name=contact["name"],
        contact_email=contact["email"],
        contact_phone=contact.get("phone"),
        status=ApplicationStatus(record["status"]),
        target_zones=[zones[code] for code in record["target_zones"]],
        **_status_dates(record["status"], age_days),
    )
    if db.session.scalar(sa.select(User.id).where(User.email == contact["email"].lower())) is None:
        institution.representatives.append(_user_for(contact["name"], contact["email"], record["lang"]))
    db.session.add(institution)
    report.count("institutions")
    return institution


def _load_opportunity(record: dict, profiles: dict, institutions: dict, report: LoadReport) -> None:
    owner = profiles.get(record["owner"]) or institutions.get(record["owner"])
    _require(owner is not None, record, f"unknown owner {record['owner']}")
    _require(owner.status == ApplicationStatus.APPROVED, record, "owner is not approved")
    owner_column = Opportunity.profile if isinstance(owner, ProfessionalProfile) else Opportunity.institution
    exists = db.session.scalar(
        sa.select(Opportunity.id).where(owner_column == owner, Opportunity.title == record["title"])
    )
    if exists:
        return
    budget = record.get("budget")
    opportunity = Opportunity(
        direction=record["direction"],
        service=record["service"],
        fields=record["fields"],
        jurisdictions=record["jurisdictions"],
        title=record["title"],
        description=record["description"],
        lang=record["lang"],
        budget_amount=Decimal(str(budget["amount"])) if budget else None,
        currency=budget["currency"] if budget else None,
        deadline=date.fromisoformat(record["deadline"]),
        status=OpportunityStatus(record["status"]),
    )
    if isinstance(owner, ProfessionalProfile):
        opportunity.profile = owner
    else:
        opportunity.institution = owner
    db.session.add(opportunity)
    report.count("opportunities")


def _load_need(record: dict, zones: dict[str, Zone], report: LoadReport) -> None:
    zone = zones.get(record["zone"])
    _require(zone is not None, record, f"unknown zone {record['zone']}")
    if zone.id is not None and db.session.scalar(
        sa.select(ZoneNeed.id).where(ZoneNeed.zone_id == zone.id, ZoneNeed.title == record["title"])
    ):
        return
    need = ZoneNeed(
        zone=zone,
        kind=record["kind"],
        title=record["title"],
        description=record["description"],
        lang=record["lang"],
        required_languages=record["required_languages"],
        services=record["services"],
        fields=record["fields"],
        min_experience=record["min_experience"],
        required_qualifications=record["required_qualifications"],
        openings=record["openings"],
        deadline=date.fromisoformat(record["deadline"]),
        status=NeedStatus(record["status"]),
    )
    db.session.add(need)
    report.count("needs")


def _load_account(account: DemoAccount, zones: dict, report: LoadReport) -> None:
    if account.profile_key or db.session.scalar(sa.select(User.id).where(User.email == account.email)):
        return
    if account.zone_code and account.zone_code not in zones:
        raise DemoDataError(f"demo account {account.email}: unknown zone {account.zone_code}")
    user = User(
        email=account.email,
        display_name=account.display_name,
        role=account.role,
        locale=None,
        email_verified_at=utcnow(),
        consent_version="demo",
        consented_at=utcnow(),
        zone=zones.get(account.zone_code) if account.zone_code else None,
    )
    user.set_password(account.password)
    db.session.add(user)
    report.count("demo accounts")
