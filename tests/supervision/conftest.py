"""Fixtures of the officer console's tests."""

from __future__ import annotations

import pytest

from app.workflow import Role


@pytest.fixture(autouse=True)
def _own_matcher(app, tmp_path, monkeypatch):
    """The console's duplicate check searches through the matcher: its index lives in this test's folder."""
    monkeypatch.setitem(app.config, "MATCHING_INDEX_DIR", tmp_path / "index")
    app.extensions.pop("ipbridge.matcher", None)
    yield
    app.extensions.pop("ipbridge.matcher", None)


@pytest.fixture
def officer(login_as):
    """A signed-in cooperation officer: (client, user)."""
    return login_as(Role.OFFICER, display_name="Chen Lihua")
