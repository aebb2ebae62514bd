"""Account operations: authentication and users."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from app.dbtypes import utcnow
from app.extensions import db


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    Every failure gives the same None, so the answer reveals nothing about which accounts exist.
    """
    user = get_user_by_email(email)
    if user is None or not user.is_active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def list_users(page: int, per_page: int = 50):
    return db.paginate(
        sa.select(User).order_by(User.role, User.email), page=page, per_page=per_page, error_out=False
    )
