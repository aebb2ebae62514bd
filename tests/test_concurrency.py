"""Two people acting on the same object at the same moment, on PostgreSQL (its row locks decide).

SQLite serialises whole-database writes, so these run in the PostgreSQL pass of `make test`.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from app.audit.models import AuditEvent
from app.errors import DomainError
from app.extensions import db
from app.matches.models import Match
from app.matches.services import move_match
from app.profiles.models import ProfessionalProfile
from app.supervision.models import Decision, Review
from app.supervision.services import StaleDecisionError, decide_application
from app.workflow import ApplicationStatus, MatchStage, Role
from config import TestingConfig
from tests.conftest import app_on_copy_of
from tests.factories import make_match, make_need, make_profile, make_user

pytestmark = pytest.mark.skipif(
    not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql"),
    reason="concurrent writers need PostgreSQL; run in the PostgreSQL pass of `make test`",
)


def _race(app, act, ids: dict) -> list:
    """Run ``act(ids, who)`` for two people at once, each in a session of their own; their outcomes."""
    ready = threading.Barrier(2)
    outcomes: list = [None, None]

    def person(who: int) -> None:
        with app.app_context():
            try:
                act(ids, who, ready)
                db.session.commit()
                outcomes[who] = "done"
            except (StaleDecisionError, StaleDataError, DomainError) as error:
                db.session.rollback()
                outcomes[who] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=person, args=(who,)) for who in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def own_app(tmp_path, databases):
    """An app on a database of its own: the race needs committed rows and separate connections."""
    empty = databases.create()
    with app_on_copy_of(empty, databases, tmp_path) as app:
        db.create_all()
        yield app


def test_two_officers_deciding_at_once_one_wins_with_one_audit_event(own_app):
    profile = make_profile(status=ApplicationStatus.SUBMITTED)
    officers = [make_user(role=Role.OFFICER), make_user(role=Role.OFFICER)]
    db.session.commit()
    ids = {"profile": profile.id, "officers": [o.id for o in officers], "version": profile.version_id}

    def decide(ids, who, ready):
        application = db.session.get(ProfessionalProfile, ids["profile"])
        officer = db.session.get(type(officers[0]), ids["officers"][who])
        ready.wait()
        decision = Decision.APPROVED if who == 0 else Decision.REJECTED
        reason = "meets_requirements" if who == 0 else "incomplete"
        decide_application(application, decision, reason, None, officer, expected_version=ids["version"])

    outcomes = _race(own_app, decide, ids)
    db.session.expire_all()
    assert sorted(str(type(o).__name__) for o in outcomes) == ["StaleDecisionError", "str"]
    loser = next(o for o in outcomes if o != "done")
    assert "your decision was not saved" in str(loser)
    decided = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("profile.%"))).all()
    assert len(decided) == 1
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 1


def test_two_recruiters_moving_one_match_lose_no_update(own_app):
    recruiter = make_user(role=Role.RECRUITER)
    colleague = make_user(role=Role.RECRUITER, zone=recruiter.zone)
    match = make_match(need=make_need(zone=recruiter.zone), stage=MatchStage.PROPOSED)
    db.session.commit()
    ids = {"match": match.id, "recruiters": [recruiter.id, colleague.id]}
    targets = [MatchStage.SHORTLISTED, MatchStage.DISMISSED]

    def move(ids, who, ready):
        current = db.session.get(Match, ids["match"])
        actor = db.session.get(type(recruiter), ids["recruiters"][who])
        ready.wait()
        move_match(current, targets[who], actor)
        db.session.flush()

    outcomes = _race(own_app, move, ids)
    db.session.expire_all()
    final = db.session.get(Match, match.id)
    winner = outcomes.index("done")
    assert outcomes[1 - winner] != "done"  # the later writer is told, not silently overwritten
    assert final.stage == targets[winner]
    moves = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("match.%"))).all()
    assert len(moves) == 1
