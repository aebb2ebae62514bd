"""Login wiring and the role check every view uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.extensions import db, login_manager
from app.workflow import Role

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str):
    from app.accounts.models import User

    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def role_required(*roles: Role) -> Callable:
    """Allow the view to signed-in users holding one of ``roles``; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)  # read by the test that checks every view is guarded
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone, so the guard test knows it is deliberate."""
    view.allowed_roles = None
    return view


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after a redirect (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")
