"""Automatic checks shown beside each application in the review queue.

The first part is pure: qualification numbers against their type's format, blacklist screening of
names (across scripts, see ``app.supervision.names``) and registration numbers, wording typical of
irregular agency services, and the risk flags that sum it all up. The second part reads the
database and the matcher: the blacklist, other applications with the same registration number or
email domain and a similar name, and near-identical texts by embedding similarity.

Checks advise; the officer decides. A check that cannot run (no model) says so instead of failing
the page.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

import numpy as np
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.extensions import db
from app.profiles.models import Institution, ProfessionalProfile
from app.supervision.models import BlacklistEntry, Decision, Review, ReviewTarget
from app.supervision.names import NameForms, name_forms, name_similarity, normalise_registration_number
from app.taxonomy import QUALIFICATIONS, Profession, QualificationType, Service
from app.workflow import ApplicationStatus

logger = logging.getLogger(__name__)

#: Names at least this alike (0–1) are a blacklist hit or, with the same email domain, a duplicate.
NAME_THRESHOLD = 0.85
#: Cosine similarity of the composed texts from which two applications count as near-identical.
#: Measured with multilingual-e5-small on the demo data: the deliberate re-application scores 0.99,
#: the closest unrelated pairs 0.92 (institutions) and 0.96 (professionals). Config key
#: ``SUPERVISION_DUPLICATE_SIMILARITY`` overrides it (another model needs another value).
TEXT_THRESHOLD = 0.97
SIMILAR_TEXT_CANDIDATES = 5  # approved records taken from the index for the exact comparison
PENDING_COMPARED = 500  # most recent non-approved applications compared directly

# Free-mail domains say nothing about who someone works for.
FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "yahoo.co.jp",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "foxmail.com",
        "naver.com",
        "protonmail.com",
        "proton.me",
    ]
)

# Wording that the crack-down on illegal patent and trademark agency names: promised grants,
# subsidy farming, buying patents for enterprise recognition, package prices. Matched on NFKC,
# casefolded text; found phrases are shown to the officer as they are.
IRREGULAR_PHRASES = (
    "guaranteed approval",
    "approval guaranteed",
    "guaranteed grant",
    "grant guaranteed",
    "guaranteed registration",
    "100% approval",
    "high approval rate",
    "fast approval",
    "subsidy",
    "subsidies",
    "buy patents",
    "patent purchase",
    "transfer of existing granted patents",
    "high-tech enterprise recognition",
    "package price",
    "包过",
    "包授权",
    "保证授权",
    "保证通过",
    "高授权率",
    "授权率高",
    "快速授权",
    "资助",
    "补贴",
    "买专利",
    "专利买卖",
    "高企认定",
    "高新认定",
    "打包价",
)

#: Qualification types whose holders may act as patent or trademark agents somewhere.
AGENT_QUALIFICATIONS = frozenset(QualificationType) - {
    QualificationType.CN_ASSET_APPRAISER,
    QualificationType.CERTIFIED_LICENSING_PROFESSIONAL,
}
AGENT_PROFESSIONS = frozenset({Profession.PATENT_ATTORNEY, Profession.TRADEMARK_ATTORNEY})


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITY_TITLES = {
    Severity.HIGH: _l("High risk"),
    Severity.MEDIUM: _l("Needs a look"),
    Severity.LOW: _l("For information"),
}
SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}

FLAG_MESSAGES = {
    "blacklisted_name": _l(
        "The name “%(value)s” resembles “%(entry)s” on the blacklist (%(score)d%% alike)."
    ),
    "blacklisted_number": _l("The registration number %(value)s is on the blacklist (“%(entry)s”)."),
    "duplicate_number": _l("Another application has the same registration number: “%(name)s”."),
    "duplicate_domain_name": _l(
        "Another application has the same email domain and a similar name: “%(name)s”."
    ),
    "duplicate_text": _l("Another application has a nearly identical text (%(score)d%%): “%(name)s”."),
    "qualification_format": _l(
        "The number %(number)s does not have the format of “%(type)s” (for example %(example)s)."
    ),
    "qualification_jurisdiction": _l("“%(type)s” is issued in %(expected)s, but %(given)s was given."),
    "agency_without_qualification": _l(
        "Offers patent or trademark agency without any agent qualification on the profile."
    ),
    "irregular_wording": _l("The text uses wording typical of irregular agency services: %(phrases)s."),
    "previously_rejected": _l("This applicant was rejected before (%(reason)s)."),
    "free_mail_contact": _l("The institution's contact uses a free-mail address (%(domain)s)."),
}

DUPLICATE_REASON_TITLES = {
    "same_registration_number": _l("same registration number"),
    "same_domain_and_name": _l("same email domain and a similar name"),
    "similar_text": _l("nearly identical text"),
}


# --- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """A risk flag: a code, how serious it is, and the values its sentence names."""

    code: str
    severity: Severity
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(FLAG_MESSAGES[self.code]) % self.params

    @property
    def severity_title(self) -> str:
        return str(SEVERITY_TITLES[self.severity])


@dataclass(frozen=True)
class QualificationCheck:
    qualification_id: int
    type: str
    number: str
    jurisdiction: str
    number_ok: bool
    jurisdiction_ok: bool
    example: str
    is_verified: bool


@dataclass(frozen=True)
class BlacklistHit:
    entry_id: int
    entry_name: str
    on: str  # "name" or "registration_number"
    value: str  # the applicant's name or number that matched
    score: int  # 0–100


@dataclass(frozen=True)
class Duplicate:
    target: str  # ReviewTarget value of the other record
    id: int
    name: str
    status: str
    reasons: tuple[str, ...]
    similarity: int | None = None  # text similarity 0–100, when that was a reason

    @property
    def reason_titles(self) -> list[str]:
        return [str(DUPLICATE_REASON_TITLES[code]) for code in self.reasons]


@dataclass
class CheckResult:
    """Everything the officer sees beside one application, and what its Review stores."""

    qualifications: list[QualificationCheck] = field(default_factory=list)
    blacklist: list[BlacklistHit] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # checks that could not run

    @property
    def severity(self) -> Severity | None:
        """The worst severity among the flags, or None when nothing was flagged."""
        if not self.flags:
            return None
        return min((flag.severity for flag in self.flags), key=SEVERITY_ORDER.__getitem__)

    def to_json(self) -> dict:
        return {
            "qualifications": [asdict(q) for q in self.qualifications],
            "blacklist": [asdict(hit) for hit in self.blacklist],
            "duplicates": [asdict(d) for d in self.duplicates],
            "flags": [{"code": f.code, "severity": str(f.severity), "params": f.params} for f in self.flags],
            "unavailable": list(self.unavailable),
        }


# --- pure checks -----------------------------------------------------------------------------------


def check_qualification(type_code: str, number: str, jurisdiction: str) -> tuple[bool, bool, str]:
    """(number has the type's format, jurisdiction is the type's, an example number)."""
    kind = QUALIFICATIONS.get(type_code)
    if kind is None:
        return False, False, ""
    jurisdiction_ok = kind.jurisdiction == "XX" or jurisdiction.upper() == kind.jurisdiction
    return kind.number_is_valid(number), jurisdiction_ok, kind.number_example


@dataclass(frozen=True)
class PreparedEntry:
    """A blacklist entry with its comparable forms computed once per page."""

    id: int
    name: str
    forms: NameForms
    number: str  # normalised registration number, "" without one


def prepare_entries(entries: Iterable) -> list[PreparedEntry]:
    return [
        PreparedEntry(
            entry.id,
            entry.name,
            name_forms(entry.name),
            normalise_registration_number(entry.registration_number),
        )
        for entry in entries
    ]


def screen(
    names: Sequence[str],
    number: str | None,
    entries: Sequence[PreparedEntry],
    threshold: float = NAME_THRESHOLD,
) -> list[BlacklistHit]:
    """Blacklist hits for a provider's names (any script, fuzzy) and registration number (exact).

    One hit per entry: the number if it matches, else the most alike name.
    """
    wanted = normalise_registration_number(number)
    forms = [(name, name_forms(name)) for name in dict.fromkeys(n for n in names if n and n.strip())]
    hits: list[BlacklistHit] = []
    for entry in entries:
        if wanted and entry.number == wanted:
            hits.append(BlacklistHit(entry.id, entry.name, "registration_number", number or "", 100))
            continue
        best = max(((name_similarity(f, entry.forms), name) for name, f in forms), default=(0.0, ""))
        if best[0] >= threshold:
            hits.append(BlacklistHit(entry.id, entry.name, "name", best[1], round(best[0] * 100)))
    return sorted(hits, key=lambda hit: -hit.score)


def irregular_phrases(text: str) -> list[str]:
    """The phrases of ``IRREGULAR_PHRASES`` that occur in ``text``, in list order."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [phrase for phrase in IRREGULAR_PHRASES if phrase in folded]


def email_domain(address: str | None) -> str | None:
    """The domain of an email address, lower case; None for a free-mail or missing address."""
    if not address or "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1].strip().lower()
    return None if domain in FREE_MAIL_DOMAINS or not domain else domain


def website_domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    host = host.lower().removeprefix("www.")
    return host or None


def qualification_flags(checks: Sequence[QualificationCheck]) -> list[Flag]:
    flags = []
    for check in checks:
        kind = QUALIFICATIONS.get(check.type)
        title = str(kind.title) if kind else check.type
        if not check.number_ok:
            params = {"number": check.number, "type": title, "example": check.example}
            flags.append(Flag("qualification_format", Severity.MEDIUM, params))
        if not check.jurisdiction_ok and kind is not None:
            params = {"type": title, "expected": kind.jurisdiction, "given": check.jurisdiction}
            flags.append(Flag("qualification_jurisdiction", Severity.LOW, params))
    return flags


def blacklist_flags(hits: Sequence[BlacklistHit]) -> list[Flag]:
    flags = []
    for hit in hits:
        if hit.on == "registration_number":
            flags.append(
                Flag("blacklisted_number", Severity.HIGH, {"value": hit.value, "entry": hit.entry_name})
            )
        else:
            params = {"value": hit.value, "entry": hit.entry_name, "score": hit.score}
            flags.append(Flag("blacklisted_name", Severity.HIGH, params))
    return flags


def duplicate_flags(duplicates: Sequence[Duplicate]) -> list[Flag]:
    flags = []
    for duplicate in duplicates:
        if "same_registration_number" in duplicate.reasons:
            flags.append(Flag("duplicate_number", Severity.HIGH, {"name": duplicate.name}))
        if "same_domain_and_name" in duplicate.reasons:
            flags.append(Flag("duplicate_domain_name", Severity.MEDIUM, {"name": duplicate.name}))
        if "similar_text" in duplicate.reasons:
            params = {"name": duplicate.name, "score": duplicate.similarity or 0}
            flags.append(Flag("duplicate_text", Severity.MEDIUM, params))
    return flags


def sort_flags(flags: Iterable[Flag]) -> list[Flag]:
    return sorted(flags, key=lambda flag: SEVERITY_ORDER[flag.severity])


# --- checks that read the database and the matcher -------------------------------------------------


def target_of(application) -> ReviewTarget:
    return ReviewTarget.INSTITUTION if isinstance(application, Institution) else ReviewTarget.PROFILE


def names_of(application) -> list[str]:
    """Every name a provider goes by: legal name and names in other scripts, or the person's name."""
    if isinstance(application, Institution):
        return [application.legal_name, *(application.names or {}).values()]
    return [application.full_name]


def display_name(application) -> str:
    return application.legal_name if isinstance(application, Institution) else application.full_name


def load_blacklist() -> list[PreparedEntry]:
    return prepare_entries(db.session.scalars(sa.select(BlacklistEntry).order_by(BlacklistEntry.id)))


def _domains_of_institution(institution: Institution) -> set[str]:
    addresses = [institution.contact_email, *(user.email for user in institution.representatives)]
    domains = {email_domain(address) for address in addresses} | {website_domain(institution.website)}
    return domains - {None}


def _similar_name(first: Sequence[str], second: Sequence[str]) -> bool:
    return any(name_similarity(a, b) >= NAME_THRESHOLD for a in first for b in second if a and b)


def _institution_duplicates(institution: Institution) -> dict[int, tuple[Institution, set[str]]]:
    found: dict[int, tuple[Institution, set[str]]] = {}
    number = normalise_registration_number(institution.registration_number)
    domains = _domains_of_institution(institution)
    names = names_of(institution)
    others = db.session.scalars(
        sa.select(Institution).where(
            Institution.id != institution.id, Institution.status != ApplicationStatus.DRAFT
        )
    )
    for other in others:
        reasons = set()
        if number and normalise_registration_number(other.registration_number) == number:
            reasons.add("same_registration_number")
        if domains & _domains_of_institution(other) and _similar_name(names, names_of(other)):
            reasons.add("same_domain_and_name")
        if reasons:
            found[other.id] = (other, reasons)
    return found


def _profile_duplicates(profile: ProfessionalProfile) -> dict[int, tuple[ProfessionalProfile, set[str]]]:
    domain = email_domain(profile.user.email if profile.user else None)
    if domain is None:
        return {}
    pattern = "%@" + domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    others = db.session.scalars(
        sa.select(ProfessionalProfile)
        .join(User, ProfessionalProfile.user_id == User.id)
        .where(
            ProfessionalProfile.id != profile.id,
            ProfessionalProfile.status != ApplicationStatus.DRAFT,
            sa.func.lower(User.email).like(pattern, escape="\\"),
        )
    )
    return {
        other.id: (other, {"same_domain_and_name"})
        for other in others
        if _similar_name([profile.full_name], [other.full_name])
    }


def _encode(matcher, texts: list[str]) -> np.ndarray:
    from matching.cache import encode_cached

    if not texts:
        return np.zeros((0, matcher.encoder.dim), dtype=np.float32)
    return encode_cached(matcher.encoder, matcher.cache, texts, "passage")[0]


def _pending(model, kind: str, matcher, shared: dict | None) -> tuple[list, np.ndarray]:
    """The most recent non-approved, non-draft applications of ``kind`` and their vectors.

    Kept in ``shared`` (one page's worth of checks) so a queue of many applications reads them once.
    """
    from app.matches.documents import record_of

    key = ("pending", kind)
    if shared is not None and key in shared:
        return shared[key]
    rows = list(
        db.session.scalars(
            sa.select(model)
            .where(model.status.not_in([ApplicationStatus.DRAFT, ApplicationStatus.APPROVED]))
            .order_by(model.id.desc())
            .limit(PENDING_COMPARED)
        )
    )
    found = rows, _encode(matcher, [record_of(row).text for row in rows])
    if shared is not None:
        shared[key] = found
    return found


def similar_texts(application, shared: dict | None = None) -> list[tuple[object, float]]:
    """Other applications of the same kind whose composed text is near-identical, with the cosine.

    Approved ones come from the matcher's index (its best few, compared exactly); the others are
    not indexed and are compared directly, the most recent ``PENDING_COMPARED`` of them.
    """
    from app.matches.documents import KIND_OF_MODEL, record_of
    from app.matches.engine import ensure_loaded
    from matching.types import Filters, Query

    model = type(application)
    kind = KIND_OF_MODEL[model]
    text = record_of(application).text
    matcher = ensure_loaded(kind)
    query = Query(text, filters=Filters(exclude_ids=frozenset({application.id})))
    hits = matcher.search(kind, query, k=SIMILAR_TEXT_CANDIDATES).hits
    approved = [row for row in (db.session.get(model, hit.id) for hit in hits) if row is not None]
    pending, pending_vectors = _pending(model, kind, matcher, shared)
    keep = [i for i, row in enumerate(pending) if row.id != application.id]
    candidates = [*approved, *(pending[i] for i in keep)]
    if not candidates:
        return []
    vectors = np.concatenate(
        [_encode(matcher, [record_of(row).text for row in approved]), pending_vectors[keep]]
    )
    similarities = vectors @ _encode(matcher, [text])[0]
    threshold = current_app.config.get("SUPERVISION_DUPLICATE_SIMILARITY", TEXT_THRESHOLD)
    order = np.argsort(-similarities)
    return [(candidates[i], float(similarities[i])) for i in order if similarities[i] >= threshold]


def find_duplicates(application, unavailable: list[str], shared: dict | None = None) -> list[Duplicate]:
    """Other applications that look like the same person or institution applying again."""
    target = target_of(application)
    if isinstance(application, Institution):
        found: dict[int, tuple[object, set[str]]] = dict(_institution_duplicates(application))
    else:
        found = dict(_profile_duplicates(application))
    similarity: dict[int, float] = {}
    try:
        for other, score in similar_texts(application, shared):
            similarity[other.id] = score
            found.setdefault(other.id, (other, set()))[1].add("similar_text")
    except Exception:  # the model may be missing or broken: the other checks still stand
        logger.exception("text similarity check failed for %s %s", target, application.id)
        unavailable.append("similar_text")
    order = tuple(DUPLICATE_REASON_TITLES)
    duplicates = [
        Duplicate(
            target=str(target),
            id=other.id,
            name=display_name(other),
            status=str(other.status),
            reasons=tuple(code for code in order if code in reasons),
            similarity=round(similarity[other.id] * 100) if other.id in similarity else None,
        )
        for other, reasons in found.values()
    ]
    return sorted(duplicates, key=lambda d: (-len(d.reasons), d.id))


def _qualification_checks(application) -> list[QualificationCheck]:
    if not isinstance(application, ProfessionalProfile):
        return []
    checks = []
    for q in application.qualifications:
        number_ok, jurisdiction_ok, example = check_qualification(str(q.type), q.number, q.jurisdiction)
        checks.append(
            QualificationCheck(
                q.id,
                str(q.type),
                q.number,
                q.jurisdiction,
                number_ok,
                jurisdiction_ok,
                example,
                q.is_verified,
            )
        )
    return checks


def _profile_flags(profile: ProfessionalProfile) -> list[Flag]:
    offers_agency = Service.AGENCY in profile.services or AGENT_PROFESSIONS & set(profile.professions)
    holds_agent = any(q.type in AGENT_QUALIFICATIONS for q in profile.qualifications)
    return (
        [Flag("agency_without_qualification", Severity.MEDIUM)] if offers_agency and not holds_agent else []
    )


def _previous_rejection(application) -> Flag | None:
    from app.supervision.models import REVIEW_REASON_TITLES

    review = db.session.scalar(
        sa.select(Review)
        .where(
            Review.target_type == target_of(application),
            Review.target_id == application.id,
            Review.decision == Decision.REJECTED,
        )
        .order_by(Review.id.desc())
        .limit(1)
    )
    if review is None:
        return None
    reason = str(REVIEW_REASON_TITLES.get(review.reason_code, review.reason_code or "—"))
    return Flag("previously_rejected", Severity.LOW, {"reason": reason})


def run_checks(
    application, blacklist: Sequence[PreparedEntry] | None = None, shared: dict | None = None
) -> CheckResult:
    """Every automatic check on one application.

    Args:
        application: A profile or an institution.
        blacklist: The prepared blacklist, when a page checks several applications.
        shared: A dict the checks of one page share (texts of pending applications and their vectors).
    """
    entries = load_blacklist() if blacklist is None else blacklist
    result = CheckResult(qualifications=_qualification_checks(application))
    number = application.registration_number if isinstance(application, Institution) else None
    result.blacklist = screen(names_of(application), number, entries)
    result.duplicates = find_duplicates(application, result.unavailable, shared)
    flags = [
        *blacklist_flags(result.blacklist),
        *duplicate_flags(result.duplicates),
        *qualification_flags(result.qualifications),
    ]
    if isinstance(application, Institution):
        text = application.description
        domain = (application.contact_email or "").rsplit("@", 1)[-1].lower()
        if domain in FREE_MAIL_DOMAINS:
            flags.append(Flag("free_mail_contact", Severity.LOW, {"domain": domain}))
    else:
        text = f"{application.headline}\n{application.summary}"
        flags += _profile_flags(application)
    phrases = irregular_phrases(text)
    if phrases:
        flags.append(
            Flag("irregular_wording", Severity.MEDIUM, {"phrases": ", ".join(f"“{p}”" for p in phrases)})
        )
    previous = _previous_rejection(application)
    if previous is not None:
        flags.append(previous)
    result.flags = sort_flags(flags)
    return result
