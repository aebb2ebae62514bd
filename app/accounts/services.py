"""Account operations: registration, verification, password reset, sign-in with rate limits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.accounts.models import ApplicantKind, LoginAttempt, User
from app.audit.services import record_event
from app.dbtypes import utcnow
from app.errors import DomainError
from app.extensions import db
from app.workflow import Role

PRIVACY_NOTICE_VERSION = "2026-11"
MIN_PASSWORD_LENGTH = 12
VERIFY_MAX_AGE = timedelta(days=3)
RESET_MAX_AGE = timedelta(hours=1)
RATE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


class TokenError(DomainError):
    """A link from a mail that is broken, used already, or too old."""


class TooManyAttemptsError(DomainError):
    """Sign-in refused for a while after repeated failures."""


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))


def password_problem(password: str, email: str, name: str) -> str | None:
    """Why ``password`` is too weak for this person, or None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    lowered = password.lower()
    personal = [email.lower(), email.split("@")[0].lower(), *name.lower().split()]
    if any(len(part) >= 3 and part in lowered for part in personal):
        return _l("Do not use your email address or your name in the password.")
    if len(set(password)) < 5:
        return _l("Use more different characters.")
    return None


# --- registration and tokens ----------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    display_name: str
    applicant_kind: ApplicantKind
    locale: str


def register(form: Registration) -> tuple[User | None, User | None]:
    """Create an unverified applicant account.

    Returns:
        (new user, None), or (None, the existing user) when the email is taken: the caller answers
        both the same way, so the page reveals nothing; the owner of the address is told by mail.
    """
    existing = get_user_by_email(form.email)
    if existing is not None:
        return None, existing
    problem = password_problem(form.password, form.email, form.display_name)
    if problem:
        raise DomainError(problem)
    user = User(
        email=form.email.strip().lower(),
        display_name=form.display_name.strip(),
        role=Role.APPLICANT,
        applicant_kind=form.applicant_kind,
        locale=form.locale,
        consent_version=PRIVACY_NOTICE_VERSION,
        consented_at=utcnow(),
    )
    user.set_password(form.password)
    db.session.add(user)
    db.session.flush()
    record_event(user, "account.register", user, after={"consent_version": PRIVACY_NOTICE_VERSION})
    return user, None


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"ipbridge.{purpose}")


def _password_stamp(user: User) -> str:
    """Changes with the password, so a reset link works once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_verification_token(user: User) -> str:
    return _serializer("verify").dumps({"id": user.id, "email": user.email})


def make_reset_token(user: User) -> str:
    return _serializer("reset").dumps({"id": user.id, "stamp": _password_stamp(user)})


def _load(purpose: str, token: str, max_age: timedelta) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise TokenError(_l("This link has expired. Ask for a new one.")) from error
    except BadSignature as error:
        raise TokenError(_l("This link is not valid. Ask for a new one.")) from error


def verify_email(token: str) -> User:
    data = _load("verify", token, VERIFY_MAX_AGE)
    user = db.session.get(User, data["id"])
    if user is None or user.email != data["email"]:
        raise TokenError(_l("This link is not valid. Ask for a new one."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_event(user, "account.verify_email", user)
    return user


def reset_password(token: str, new_password: str) -> User:
    data = _load("reset", token, RESET_MAX_AGE)
    user = db.session.get(User, data["id"])
    if user is None or data["stamp"] != _password_stamp(user):
        raise TokenError(_l("This link has been used already. Ask for a new one."))
    problem = password_problem(new_password, user.email, user.display_name)
    if problem:
        raise DomainError(problem)
    user.set_password(new_password)
    user.email_verified_at = user.email_verified_at or utcnow()  # the mail reached them
    record_event(user, "account.reset_password", user)
    return user


# --- sign-in ---------------------------------------------------------------------------------------


def _recent_failures(condition) -> int:
    since = utcnow() - RATE_WINDOW
    query = sa.select(sa.func.count(LoginAttempt.id)).where(
        condition, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at >= since
    )
    return db.session.scalar(query)


def authenticate(email: str, password: str, remote_addr: str | None) -> User | None:
    """The active user with this email and password, or None.

    Every failure gives the same None, so the answer reveals nothing about which accounts exist.

    Raises:
        TooManyAttemptsError: too many recent failures for this account or from this address.
    """
    email = email.strip().lower()
    minutes = int(RATE_WINDOW.total_seconds() // 60)
    if _recent_failures(LoginAttempt.email == email) >= MAX_FAILURES_PER_ACCOUNT:
        raise TooManyAttemptsError(
            _l(
                "Too many failed sign-ins for this account. Wait %(minutes)d minutes or reset your password.",
                minutes=minutes,
            )
        )
    if remote_addr and _recent_failures(LoginAttempt.remote_addr == remote_addr) >= MAX_FAILURES_PER_ADDRESS:
        raise TooManyAttemptsError(
            _l("Too many failed sign-ins from your network. Wait %(minutes)d minutes.", minutes=minutes)
        )
    user = get_user_by_email(email)
    succeeded = user is not None and user.is_active and user.check_password(password)
    db.session.add(LoginAttempt(email=email, remote_addr=remote_addr, succeeded=succeeded))
    if not succeeded:
        return None
    user.last_login_at = utcnow()
    return user
