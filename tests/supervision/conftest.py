"""Fixtures of the officer console's tests."""

from __future__ import annotations

import pytest

from app.workflow import Role


@pytest.fixture
def officer(login_as):
    """A signed-in cooperation officer: (client, user)."""
    return login_as(Role.OFFICER, display_name="Chen Lihua")
