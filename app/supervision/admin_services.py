"""Administration: zones, user accounts and roles. An administrator can never remove the last one."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit.services import record_event
from app.dbtypes import utcnow
from app.errors import DomainError
from app.extensions import db
from app.matches.models import Match
from app.profiles.models import institution_zones
from app.workflow import Role
from app.zones.models import Zone, ZoneNeed


class LastAdminError(DomainError):
    """The change would leave the platform without an active administrator."""


# --- users -----------------------------------------------------------------------------------------


def list_users(page: int, role: str | None = None, query: str | None = None, per_page: int = 50):
    statement = sa.select(User).order_by(User.role, User.email)
    if role:
        statement = statement.where(User.role == role)
    if query:
        like = f"%{query.strip().lower()}%"
        statement = statement.where(
            sa.or_(sa.func.lower(User.email).like(like), sa.func.lower(User.display_name).like(like))
        )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def list_zones() -> list[Zone]:
    return list(db.session.scalars(sa.select(Zone).order_by(Zone.code)))


def _active_admins_other_than(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id
        )
    )


@dataclass(frozen=True)
class UserChange:
    display_name: str
    role: Role
    zone_id: int | None
    is_active: bool


def _check_zone(change: UserChange) -> None:
    if change.role == Role.RECRUITER and change.zone_id is None:
        raise DomainError(_l("A recruiter works for a zone: choose one."))
    if change.zone_id is not None and db.session.get(Zone, change.zone_id) is None:
        raise DomainError(_l("This zone does not exist."))


def update_user(user: User, change: UserChange, admin: User) -> User:
    """Change a user's name, role, zone or active flag, audited.

    Raises:
        LastAdminError: the user is the last active administrator and would stop being one.
    """
    keeps_admin = change.role == Role.ADMIN and change.is_active
    if (
        user.role == Role.ADMIN
        and user.is_active
        and not keeps_admin
        and _active_admins_other_than(user) == 0
    ):
        raise LastAdminError(_l("This is the last active administrator: make someone else one first."))
    _check_zone(change)
    before = {"role": str(user.role), "zone_id": user.zone_id, "is_active": user.is_active}
    user.display_name = change.display_name.strip()
    user.role = change.role
    user.zone_id = change.zone_id
    user.is_active = change.is_active
    after = {"role": str(user.role), "zone_id": user.zone_id, "is_active": user.is_active}
    db.session.flush()
    changed = [key for key in after if after[key] != before[key]]
    record_event(
        admin,
        "user.update",
        user,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return user


def create_user(email: str, locale: str, change: UserChange, admin: User) -> User:
    """Create an account (typically staff) with no password yet: its owner sets one from a mail link.

    Raises:
        DomainError: the email address is taken.
    """
    from app.accounts.services import get_user_by_email

    if get_user_by_email(email) is not None:
        raise DomainError(_l("An account with this email address exists already."))
    _check_zone(change)
    user = User(
        email=email.strip().lower(),
        display_name=change.display_name.strip(),
        role=change.role,
        zone_id=change.zone_id,
        is_active=change.is_active,
        locale=locale,
        email_verified_at=utcnow(),  # the administrator vouches for the address; the mail link proves it
    )
    user.set_unusable_password()
    db.session.add(user)
    db.session.flush()
    record_event(admin, "user.create", user, after={"role": str(user.role), "zone_id": user.zone_id})
    return user


# --- zones -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneData:
    code: str
    names: dict[str, str]
    level: str
    region: str
    city: str
    clusters: list[str]
    description: str
    lang: str


def _apply(zone: Zone, data: ZoneData) -> None:
    zone.code = data.code.strip()
    zone.names = {locale: name.strip() for locale, name in data.names.items() if name and name.strip()}
    zone.level = data.level
    zone.region = data.region.strip()
    zone.city = data.city.strip()
    zone.clusters = list(data.clusters)
    zone.description = data.description.strip()
    zone.lang = data.lang


def _check_code(code: str, zone: Zone | None) -> None:
    other = db.session.scalar(sa.select(Zone).where(Zone.code == code.strip()))
    if other is not None and other is not zone:
        raise DomainError(_l("Another zone has this code."))


def create_zone(data: ZoneData, admin: User) -> Zone:
    _check_code(data.code, None)
    zone = Zone()
    _apply(zone, data)
    db.session.add(zone)
    db.session.flush()
    record_event(admin, "zone.create", zone, after={"code": zone.code})
    return zone


def update_zone(zone: Zone, data: ZoneData, admin: User) -> Zone:
    _check_code(data.code, zone)
    before = {
        "code": zone.code,
        "level": str(zone.level),
        "region": zone.region,
        "clusters": list(zone.clusters),
    }
    _apply(zone, data)
    after = {
        "code": zone.code,
        "level": str(zone.level),
        "region": zone.region,
        "clusters": list(zone.clusters),
    }
    db.session.flush()
    record_event(admin, "zone.update", zone, before=before, after=after)
    return zone


def zone_usage(zone: Zone) -> dict[str, int]:
    """What refers to a zone: users, needs (and their matches), institutions targeting it."""

    def count(statement) -> int:
        return db.session.scalar(statement)

    return {
        "users": count(sa.select(sa.func.count(User.id)).where(User.zone_id == zone.id)),
        "needs": count(sa.select(sa.func.count(ZoneNeed.id)).where(ZoneNeed.zone_id == zone.id)),
        "matches": count(
            sa.select(sa.func.count(Match.id))
            .join(ZoneNeed, Match.need_id == ZoneNeed.id)
            .where(ZoneNeed.zone_id == zone.id)
        ),
        "institutions": count(
            sa.select(sa.func.count())
            .select_from(institution_zones)
            .where(institution_zones.c.zone_id == zone.id)
        ),
    }


def delete_zone(zone: Zone, admin: User) -> None:
    """Delete a zone nothing refers to.

    Raises:
        DomainError: users, needs or institutions still refer to it (deleting it would delete
            needs and matches with it).
    """
    if any(zone_usage(zone).values()):
        raise DomainError(
            _l("This zone is in use (users, needs or institutions refer to it) and cannot be deleted.")
        )
    record_event(admin, "zone.delete", zone, before={"code": zone.code})
    db.session.delete(zone)
    db.session.flush()
