"""Officer operations: vetting applications, the blacklist and its screening, match review, audit.

Every function takes the acting officer explicitly, flushes and never commits; the view commits
once. Rule violations raise ``DomainError`` subclasses whose message the officer reads.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from babel import Locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.audit.services import record_event
from app.dbtypes import utcnow
from app.errors import DomainError
from app.extensions import db
from app.mail import send_mail
from app.matches.models import Match
from app.profiles.models import Institution, ProfessionalProfile, Qualification
from app.supervision import checks
from app.supervision.models import (
    REASONS_FOR,
    REVIEW_REASON_TITLES,
    BlacklistEntry,
    Decision,
    HitStatus,
    MatchComment,
    Review,
    ReviewReason,
    ReviewTarget,
    ScreeningHit,
)
from app.workflow import (
    INSTITUTION_WORKFLOW,
    MATCH_WORKFLOW,
    PROFILE_WORKFLOW,
    ApplicationStatus,
    MatchStage,
)

logger = logging.getLogger(__name__)

MAX_COMMENT_CHARS = 2000
MAX_IMPORT_ROWS = 10_000
IMPORT_COLUMNS = ("name", "registration_number", "country", "reason", "source", "listed_on")
MODEL_OF_TARGET = {ReviewTarget.PROFILE: ProfessionalProfile, ReviewTarget.INSTITUTION: Institution}
WORKFLOW_OF_TARGET = {ReviewTarget.PROFILE: PROFILE_WORKFLOW, ReviewTarget.INSTITUTION: INSTITUTION_WORKFLOW}
TARGET_OF_DECISION = {
    Decision.APPROVED: ApplicationStatus.APPROVED,
    Decision.REJECTED: ApplicationStatus.REJECTED,
}
MATCH_STAGE_OF_DECISION = {Decision.APPROVED: MatchStage.APPROVED, Decision.REJECTED: MatchStage.REJECTED}


class StaleDecisionError(DomainError):
    """Someone else changed the object while the officer was looking at it."""


class BlacklistImportError(DomainError):
    """A row of an imported blacklist is not valid; nothing of the file was stored."""


STALE_MESSAGE = _l(
    "Someone else changed this while you were looking at it: your decision was not saved. "
    "Here is its current state; decide again if it is still needed."
)


# --- the review queue and decisions ----------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    target: ReviewTarget
    application: ProfessionalProfile | Institution
    checks: checks.CheckResult


def list_review_queue() -> list[ProfessionalProfile | Institution]:
    """Submitted applications of both kinds, oldest submission first."""
    from app.profiles.services import list_review_queue as submitted_applications

    return submitted_applications()


def list_queue_with_checks() -> list[QueueItem]:
    """The review queue, each application with its automatic checks (one blacklist load per page)."""
    blacklist = checks.load_blacklist()
    shared: dict = {}
    return [
        QueueItem(
            checks.target_of(application), application, checks.run_checks(application, blacklist, shared)
        )
        for application in list_review_queue()
    ]


def get_application(target: str, application_id: int) -> ProfessionalProfile | Institution | None:
    model = MODEL_OF_TARGET.get(target)  # type: ignore[call-overload]
    return db.session.get(model, application_id) if model is not None else None


def list_reviews(target: ReviewTarget, target_id: int) -> list[Review]:
    query = sa.select(Review).where(Review.target_type == target, Review.target_id == target_id)
    return list(db.session.scalars(query.order_by(Review.id.desc())))


def decide_application(
    application: ProfessionalProfile | Institution,
    decision: Decision,
    reason: str,
    comment: str | None,
    officer: User,
    *,
    expected_version: int,
) -> Review:
    """Approve or reject a submitted application, with the checks the officer saw.

    Args:
        application: A submitted profile or institution.
        decision: Approve or reject.
        reason: A code of ``REASONS_FOR[decision]``; the applicant reads its title.
        comment: Free text for the applicant (required with the reason "other").
        officer: Who decides.
        expected_version: The ``version_id`` of the application as shown to the officer.

    Raises:
        StaleDecisionError: The application changed since it was shown (another officer decided
            it, or the applicant withdrew it); the session must be rolled back.
        DomainError: The reason does not go with the decision.
    """
    if application.status != ApplicationStatus.SUBMITTED or application.version_id != expected_version:
        raise StaleDecisionError(STALE_MESSAGE)
    if reason not in REASONS_FOR[decision]:
        raise DomainError(_l("Choose a reason that goes with the decision."))
    if reason == ReviewReason.OTHER and not (comment or "").strip():
        raise DomainError(_l("Explain the reason in the comment."))
    target = checks.target_of(application)
    seen = checks.run_checks(application).to_json()
    try:
        WORKFLOW_OF_TARGET[target].apply(application, TARGET_OF_DECISION[decision], officer, reason=reason)
        application.reviewed_at = utcnow()
        application.review_reason = reason
        application.review_comment = (comment or "").strip() or None
        review = Review(
            target_type=target,
            target_id=application.id,
            officer=officer,
            checks=seen,
            decision=decision,
            reason_code=reason,
            comment=application.review_comment,
        )
        db.session.add(review)
        db.session.flush()
    except StaleDataError as error:  # the row's version moved on between our read and our write
        raise StaleDecisionError(STALE_MESSAGE) from error
    return review


def applicants_of(application: ProfessionalProfile | Institution) -> list[User]:
    """Who hears about a decision: the profile's owner, or every representative of the institution."""
    if isinstance(application, Institution):
        return [user for user in application.representatives if user.is_active]
    return [application.user] if application.user is not None else []


def notify_decision(application: ProfessionalProfile | Institution) -> int:
    """Mail the decision to the applicant(s), each in their own language; returns how many were sent.

    Called after the commit. A mail server failure is logged and counted as unsent: the decision
    stands either way.
    """
    sent = 0
    for user in applicants_of(application):
        try:
            send_mail(
                user.email,
                "application_decision",
                user.locale,
                user=user,
                application=application,
                name=checks.display_name(application),
                approved=application.status == ApplicationStatus.APPROVED,
                reason=REVIEW_REASON_TITLES.get(application.review_reason),  # lazy: rendered in their locale
                comment=application.review_comment,
            )
            sent += 1
        except (smtplib.SMTPException, OSError):
            logger.exception("decision mail to user %s failed", user.id)
    return sent


def set_qualification_verified(qualification: Qualification, verified: bool, officer: User) -> None:
    """Mark one qualification verified (or not) by ``officer``, audited."""
    before = {"is_verified": qualification.is_verified}
    qualification.is_verified = verified
    qualification.verified_by_id = officer.id if verified else None
    qualification.verified_at = utcnow() if verified else None
    action = "qualification.verify" if verified else "qualification.unverify"
    record_event(officer, action, qualification, before=before, after={"is_verified": verified})


# --- the blacklist and screening -------------------------------------------------------------------


@dataclass(frozen=True)
class EntryData:
    name: str
    registration_number: str | None
    country: str | None
    reason: str
    source: str
    listed_on: date


def _entry_snapshot(entry: BlacklistEntry) -> dict:
    return {
        "name": entry.name,
        "registration_number": entry.registration_number,
        "country": entry.country,
        "source": entry.source,
        "listed_on": entry.listed_on.isoformat(),
    }


def _apply(entry: BlacklistEntry, data: EntryData) -> None:
    entry.name = data.name.strip()
    entry.registration_number = (data.registration_number or "").strip() or None
    entry.country = (data.country or "").strip().upper() or None
    entry.reason = data.reason.strip()
    entry.source = data.source.strip()
    entry.listed_on = data.listed_on


def list_blacklist(query: str | None, page: int, per_page: int = 50):
    statement = sa.select(BlacklistEntry).order_by(BlacklistEntry.listed_on.desc(), BlacklistEntry.id.desc())
    if query:
        like = f"%{query.strip()}%"
        statement = statement.where(
            sa.or_(BlacklistEntry.name.ilike(like), BlacklistEntry.registration_number.ilike(like))
        )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def create_entry(data: EntryData, officer: User) -> BlacklistEntry:
    entry = BlacklistEntry(created_by_id=officer.id)
    _apply(entry, data)
    db.session.add(entry)
    db.session.flush()
    record_event(officer, "blacklist.create", entry, after=_entry_snapshot(entry))
    return entry


def update_entry(entry: BlacklistEntry, data: EntryData, officer: User) -> BlacklistEntry:
    before = _entry_snapshot(entry)
    _apply(entry, data)
    after = _entry_snapshot(entry)
    changed = {key for key in after if after[key] != before[key]}
    # The entry now names someone else, or differently: its open hits are found again from scratch.
    for hit in list(entry.hits):
        if hit.status == HitStatus.OPEN:
            entry.hits.remove(hit)
    db.session.flush()
    record_event(
        officer,
        "blacklist.update",
        entry,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    return entry


def delete_entry(entry: BlacklistEntry, officer: User) -> None:
    """Remove an entry; its hits go with it (decided ones stay recorded in the audit log)."""
    record_event(officer, "blacklist.delete", entry, before=_entry_snapshot(entry))
    db.session.delete(entry)
    db.session.flush()


def _import_problem(line: int, problem) -> BlacklistImportError:
    return BlacklistImportError(
        _l("Line %(line)d: %(problem)s Nothing was imported.", line=line, problem=problem)
    )


def _parse_row(line: int, row: dict, countries: set[str]) -> EntryData:
    values = {key: (row.get(key) or "").strip() for key in IMPORT_COLUMNS}
    limits = {"name": 200, "registration_number": 60, "source": 200, "reason": 2000}
    for column in ("name", "reason", "source", "listed_on"):
        if not values[column]:
            raise _import_problem(line, _l("the column “%(column)s” is empty.", column=column))
    for column, limit in limits.items():
        if len(values[column]) > limit:
            raise _import_problem(
                line, _l("“%(column)s” is longer than %(limit)d characters.", column=column, limit=limit)
            )
    country = values["country"].upper()
    if country and country not in countries:
        raise _import_problem(
            line, _l("“%(value)s” is not a two-letter country code.", value=values["country"])
        )
    try:
        listed_on = date.fromisoformat(values["listed_on"])
    except ValueError:
        raise _import_problem(
            line, _l("“%(value)s” is not a date of the form 2026-03-31.", value=values["listed_on"])
        ) from None
    if listed_on > date.today():
        raise _import_problem(line, _l("the listing date is in the future."))
    return EntryData(
        values["name"],
        values["registration_number"] or None,
        country or None,
        values["reason"],
        values["source"],
        listed_on,
    )


def parse_blacklist_csv(content: bytes) -> list[EntryData]:
    """Rows of a blacklist CSV (UTF-8, with or without BOM; header ``name,registration_number,...``).

    Raises:
        BlacklistImportError: naming the line (the header is line 1) and what is wrong with it.
    """
    countries = {code for code in Locale.parse("en").territories if len(code) == 2 and code.isalpha()}
    lines = content.splitlines(keepends=True)
    text_lines = []
    for number, raw in enumerate(lines, start=1):
        try:
            text_lines.append(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            raise _import_problem(number, _l("the text is not UTF-8.")) from None
    reader = csv.DictReader(io.StringIO("".join(text_lines), newline=""), strict=True)
    try:
        header = [column.strip().lower() for column in reader.fieldnames or []]
    except csv.Error as error:
        raise _import_problem(1, _l("the header cannot be read (%(error)s).", error=str(error))) from None
    if sorted(header) != sorted(IMPORT_COLUMNS):
        raise _import_problem(
            1, _l("the header must name the columns %(columns)s.", columns=",".join(IMPORT_COLUMNS))
        )
    reader.fieldnames = header
    entries = []
    try:
        for row in reader:
            line = reader.line_num
            if None in row or any(value is None for value in row.values()):
                raise _import_problem(line, _l("the row does not have %(n)d columns.", n=len(IMPORT_COLUMNS)))
            if not any(value.strip() for value in row.values()):
                continue  # a blank line
            entries.append(_parse_row(line, row, countries))
            if len(entries) > MAX_IMPORT_ROWS:
                raise _import_problem(line, _l("a file may hold at most %(n)d rows.", n=MAX_IMPORT_ROWS))
    except csv.Error as error:
        raise _import_problem(
            reader.line_num, _l("the row cannot be read (%(error)s).", error=str(error))
        ) from None
    if not entries:
        raise _import_problem(2, _l("the file has no rows after the header."))
    return entries


def import_blacklist(content: bytes, officer: User) -> tuple[int, int]:
    """Add every row of a CSV file, or none of them.

    Rows identical to an entry already listed (same name, number and date) are skipped.

    Returns:
        (entries added, rows skipped as already listed)
    """
    rows = parse_blacklist_csv(content)
    existing = {
        (entry.name.casefold(), entry.registration_number or "", entry.listed_on)
        for entry in db.session.scalars(sa.select(BlacklistEntry))
    }
    added = skipped = 0
    for data in rows:
        key = (data.name.casefold(), data.registration_number or "", data.listed_on)
        if key in existing:
            skipped += 1
            continue
        existing.add(key)
        entry = BlacklistEntry(created_by_id=officer.id)
        _apply(entry, data)
        db.session.add(entry)
        added += 1
    db.session.flush()
    record_event(officer, "blacklist.import", None, after={"added": added, "skipped": skipped})
    return added, skipped


def rescreen_approved_providers(actor: User) -> list[ScreeningHit]:
    """Screen every approved provider against the blacklist; return the hits that are new.

    Open hits that no longer match (the entry was edited) are dropped; decided hits are kept, so a
    dismissed false positive does not come back for the same entry.
    """
    entries = checks.load_blacklist()
    existing = {
        (hit.target_type, hit.target_id, hit.entry_id): hit
        for hit in db.session.scalars(sa.select(ScreeningHit))
    }
    still_matching = set()
    new_hits = []
    for target, model in MODEL_OF_TARGET.items():
        providers = db.session.scalars(sa.select(model).where(model.status == ApplicationStatus.APPROVED))
        for provider in providers:
            number = provider.registration_number if isinstance(provider, Institution) else None
            for found in checks.screen(checks.names_of(provider), number, entries):
                key = (target, provider.id, found.entry_id)
                still_matching.add(key)
                if key in existing:
                    continue
                hit = ScreeningHit(
                    target_type=target,
                    target_id=provider.id,
                    entry_id=found.entry_id,
                    matched_on=found.on,
                    matched_value=found.value[:200],
                    score=found.score,
                )
                db.session.add(hit)
                new_hits.append(hit)
    for key, hit in existing.items():
        if hit.status == HitStatus.OPEN and key not in still_matching:
            db.session.delete(hit)
    db.session.flush()
    for hit in new_hits:
        record_event(
            actor,
            "screening.hit",
            hit,
            after={
                "target": f"{hit.target_type}:{hit.target_id}",
                "entry_id": hit.entry_id,
                "score": hit.score,
            },
        )
    return new_hits


def list_hits(status: HitStatus | None = HitStatus.OPEN) -> list[tuple[ScreeningHit, object]]:
    """Hits with their provider, newest first."""
    statement = sa.select(ScreeningHit).order_by(ScreeningHit.id.desc())
    if status is not None:
        statement = statement.where(ScreeningHit.status == status)
    return [(hit, get_application(hit.target_type, hit.target_id)) for hit in db.session.scalars(statement)]


def decide_hit(hit: ScreeningHit, suspend: bool, officer: User) -> None:
    """Suspend the provider of an open hit, or dismiss the hit as a false positive.

    Raises:
        StaleDecisionError: the hit was decided already.
        TransitionError: the provider is no longer approved (so cannot be suspended).
    """
    if hit.status != HitStatus.OPEN:
        raise StaleDecisionError(STALE_MESSAGE)
    if suspend:
        provider = get_application(hit.target_type, hit.target_id)
        if provider is None:
            raise DomainError(_l("The provider no longer exists."))
        WORKFLOW_OF_TARGET[hit.target_type].apply(
            provider, ApplicationStatus.SUSPENDED, officer, reason=ReviewReason.BLACKLISTED
        )
    hit.status = HitStatus.SUSPENDED if suspend else HitStatus.DISMISSED
    hit.decided_by_id = officer.id
    hit.decided_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError as error:
        raise StaleDecisionError(STALE_MESSAGE) from error
    record_event(
        officer, f"screening.{'suspend' if suspend else 'dismiss'}", hit, after={"status": str(hit.status)}
    )


# --- match review ----------------------------------------------------------------------------------


def list_matches_for_review(page: int, per_page: int = 30):
    """Accepted matches waiting for an officer, longest waiting first."""
    statement = (
        sa.select(Match)
        .where(Match.stage == MatchStage.ACCEPTED)
        .order_by(sa.func.coalesce(Match.moved_at, Match.created_at), Match.id)
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def list_match_comments(match: Match) -> list[MatchComment]:
    query = sa.select(MatchComment).where(MatchComment.match_id == match.id).order_by(MatchComment.id)
    return list(db.session.scalars(query))


def decide_match(
    match: Match, decision: Decision, comment: str | None, officer: User, *, expected_version: int
) -> Review:
    """Approve or reject an accepted match, the last stage of the pipeline.

    Raises:
        StaleDecisionError: the match changed since it was shown.
    """
    if match.stage != MatchStage.ACCEPTED or match.version_id != expected_version:
        raise StaleDecisionError(STALE_MESSAGE)
    comment = (comment or "").strip() or None
    try:
        MATCH_WORKFLOW.apply(match, MATCH_STAGE_OF_DECISION[decision], officer)
        match.moved_by_id = officer.id
        match.moved_at = utcnow()
        review = Review(
            target_type=ReviewTarget.MATCH,
            target_id=match.id,
            officer=officer,
            checks={"score": match.score, "components": match.components},
            decision=decision,
            comment=comment,
        )
        db.session.add(review)
        if comment:
            db.session.add(MatchComment(match_id=match.id, author_id=officer.id, body=comment))
        db.session.flush()
    except StaleDataError as error:
        raise StaleDecisionError(STALE_MESSAGE) from error
    return review


def add_match_comment(match: Match, body: str, officer: User) -> MatchComment:
    body = body.strip()
    if not body:
        raise DomainError(_l("Write a comment first."))
    comment = MatchComment(match_id=match.id, author_id=officer.id, body=body[:MAX_COMMENT_CHARS])
    db.session.add(comment)
    db.session.flush()
    # The text stays in the comment; the audit log records that there was one.
    record_event(officer, "match.comment", match, after={"comment_id": comment.id})
    return comment


# --- the audit log ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None  # user id, or part of an email address or display name
    action: str | None = None  # exact ("profile.approve") or a prefix ending in a dot ("profile.")
    target_type: str | None = None
    target_id: int | None = None
    since: datetime | None = None  # inclusive, UTC
    until: datetime | None = None  # exclusive, UTC


def _audit_query(filters: AuditFilters):
    statement = sa.select(AuditEvent)
    if filters.actor:
        actor = filters.actor.strip()
        if actor.isdigit():
            statement = statement.where(AuditEvent.actor_id == int(actor))
        else:
            like = f"%{actor.lower()}%"
            matching_users = sa.select(User.id).where(
                sa.or_(sa.func.lower(User.email).like(like), sa.func.lower(User.display_name).like(like))
            )
            statement = statement.where(AuditEvent.actor_id.in_(matching_users))
    if filters.action:
        action = filters.action.strip()
        if action.endswith("."):
            statement = statement.where(AuditEvent.action.startswith(action, autoescape=True))
        else:
            statement = statement.where(AuditEvent.action == action)
    if filters.target_type:
        statement = statement.where(AuditEvent.target_type == filters.target_type)
    if filters.target_id is not None:
        statement = statement.where(AuditEvent.target_id == filters.target_id)
    if filters.since is not None:
        statement = statement.where(AuditEvent.created_at >= filters.since)
    if filters.until is not None:
        statement = statement.where(AuditEvent.created_at < filters.until)
    return statement.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def list_audit_events(page: int, filters: AuditFilters | None = None, per_page: int = 50):
    return db.paginate(_audit_query(filters or AuditFilters()), page=page, per_page=per_page, error_out=False)


def list_audit_vocabulary() -> tuple[list[str], list[str]]:
    """The actions and target types recorded so far, for the filter menus."""
    actions = db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    targets = db.session.scalars(
        sa.select(AuditEvent.target_type).distinct().order_by(AuditEvent.target_type)
    )
    return list(actions), list(targets)


AUDIT_CSV_COLUMNS = (
    "id",
    "created_at",
    "actor_id",
    "actor_role",
    "action",
    "target_type",
    "target_id",
    "before",
    "after",
    "remote_addr",
)


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_audit_csv(filters: AuditFilters, officer: User) -> Iterator[str]:
    """The filtered events as CSV text (UTF-8 with BOM, for spreadsheets), oldest first; audited.

    The export itself is recorded before the first row is produced, so the caller commits first.
    """
    record_event(officer, "audit.export", None, after={k: str(v) for k, v in vars(filters).items() if v})
    statement = _audit_query(filters).order_by(None).order_by(AuditEvent.created_at, AuditEvent.id)
    return _csv_lines(statement)


def _csv_lines(statement) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(AUDIT_CSV_COLUMNS)
    for event in db.session.scalars(statement.execution_options(yield_per=500)):
        writer.writerow(
            [
                event.id,
                event.created_at.isoformat(),
                event.actor_id,
                event.actor_role,
                _cell(event.action),
                _cell(event.target_type),
                event.target_id,
                _cell(json.dumps(event.before, ensure_ascii=False, sort_keys=True) if event.before else ""),
                _cell(json.dumps(event.after, ensure_ascii=False, sort_keys=True) if event.after else ""),
                event.remote_addr or "",
            ]
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
