"""Fixtures of the recruiter workspace tests: a signed-in recruiter with a matcher of their own."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.profiles.models import Qualification
from app.workflow import Role


@pytest.fixture
def recruiter(login_as):
    """(client, user) of a recruiter of a new zone; searches use an index folder of this test."""
    return login_as(Role.RECRUITER, display_name="Wang Xiaoning")


def add_qualification(profile, kind: str, number: str, jurisdiction: str = "CN") -> Qualification:
    qualification = Qualification(profile=profile, type=kind, number=number, jurisdiction=jurisdiction)
    db.session.add(qualification)
    db.session.flush()
    return qualification
