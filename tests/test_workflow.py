"""Every pair of states of every workflow, for every kind of actor."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.errors import TransitionError
from app.workflow import (
    INSTITUTION_WORKFLOW,
    MATCH_WORKFLOW,
    NEED_WORKFLOW,
    OPPORTUNITY_WORKFLOW,
    PROFILE_WORKFLOW,
    SYSTEM,
    ApplicationStatus,
    MatchStage,
    NeedStatus,
    OpportunityStatus,
    Role,
)
from tests.factories import make_institution, make_match, make_need, make_opportunity, make_profile, make_user

WORKFLOWS = [
    (PROFILE_WORKFLOW, ApplicationStatus, make_profile),
    (INSTITUTION_WORKFLOW, ApplicationStatus, make_institution),
    (OPPORTUNITY_WORKFLOW, OpportunityStatus, make_opportunity),
    (NEED_WORKFLOW, NeedStatus, make_need),
    (MATCH_WORKFLOW, MatchStage, make_match),
]
ACTORS = [*Role, SYSTEM]

# What the product promises, written out independently of the workflow tables.
EXPECTED = {
    "profile": {
        ("draft", "submitted"): {"applicant"},
        ("rejected", "submitted"): {"applicant"},
        ("draft", "withdrawn"): {"applicant"},
        ("submitted", "withdrawn"): {"applicant"},
        ("approved", "withdrawn"): {"applicant"},
        ("rejected", "withdrawn"): {"applicant"},
        ("suspended", "withdrawn"): {"applicant"},
        ("withdrawn", "draft"): {"applicant"},
        ("submitted", "approved"): {"officer", "admin"},
        ("submitted", "rejected"): {"officer", "admin"},
        ("approved", "suspended"): {"officer", "admin"},
        ("suspended", "approved"): {"officer", "admin"},
    },
    "opportunity": {
        ("draft", "open"): {"applicant"},
        ("open", "closed"): {"applicant", "officer", "admin"},
        ("closed", "open"): {"applicant"},
        ("open", "expired"): {SYSTEM},
    },
    "need": {
        ("draft", "open"): {"recruiter"},
        ("open", "closed"): {"recruiter", "officer", "admin"},
        ("closed", "open"): {"recruiter"},
    },
    "match": {
        ("proposed", "shortlisted"): {"recruiter"},
        ("shortlisted", "proposed"): {"recruiter"},
        ("proposed", "dismissed"): {"recruiter"},
        ("shortlisted", "dismissed"): {"recruiter"},
        ("dismissed", "proposed"): {"recruiter"},
        ("shortlisted", "invited"): {"recruiter"},
        ("invited", "accepted"): {"applicant"},
        ("invited", "declined"): {"applicant"},
        ("accepted", "approved"): {"officer", "admin"},
        ("accepted", "rejected"): {"officer", "admin"},
    },
}
EXPECTED["institution"] = EXPECTED["profile"]


def _cases():
    for workflow, states, _factory in WORKFLOWS:
        for source, target in itertools.product(states, repeat=2):
            for actor in ACTORS:
                yield pytest.param(
                    workflow, source, target, actor, id=f"{workflow.entity}-{source}-{target}-{actor}"
                )


def _audit_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))


@pytest.mark.parametrize(("workflow", "source", "target", "actor_role"), list(_cases()))
def test_transition_allowed_exactly_as_promised(db, workflow, source, target, actor_role):
    factory = next(f for w, _s, f in WORKFLOWS if w is workflow)
    obj = factory(**{workflow.status_attr: source})
    actor = None if actor_role == SYSTEM else make_user(role=actor_role)
    before = _audit_count(db)
    allowed = actor_role in EXPECTED[workflow.entity].get((source.value, target.value), set())

    if allowed:
        event = workflow.apply(obj, target, actor)
        assert getattr(obj, workflow.status_attr) == target
        assert event.before == {workflow.status_attr: source.value}
        assert event.after == {workflow.status_attr: target.value}
        assert event.target_id == obj.id
        assert event.actor_id == (actor.id if actor else None)
        assert _audit_count(db) == before + 1
    else:
        with pytest.raises(TransitionError) as raised:
            workflow.apply(obj, target, actor)
        assert getattr(obj, workflow.status_attr) == source
        assert _audit_count(db) == before
        assert str(raised.value)  # a readable sentence, not an empty error


def test_forbidden_transition_message_names_both_states(app):
    with app.test_request_context("/?lang=en"), pytest.raises(TransitionError) as raised:
        PROFILE_WORKFLOW.check("approved", "draft", Role.APPLICANT)
    assert "“Approved” to “Draft”" in str(raised.value)


def test_wrong_role_message_says_not_allowed(app):
    with app.test_request_context("/?lang=en"), pytest.raises(TransitionError) as raised:
        PROFILE_WORKFLOW.check("submitted", "approved", Role.APPLICANT)
    assert str(raised.value).startswith("You are not allowed")
