"""The audit log: filters by actor, action, target and time; CSV export; append-only."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.workflow import Role
from tests.factories import make_user


def _event(db, actor, action, target_type, target_id, when, after=None) -> AuditEvent:
    event = AuditEvent(
        actor=actor,
        actor_role=str(actor.role) if actor else "system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        after=after,
        created_at=when,
    )
    db.session.add(event)
    db.session.flush()
    return event


@pytest.fixture
def events(db):
    alice = make_user(role=Role.OFFICER, display_name="Alice Officer", email="alice@zone.example")
    bob = make_user(role=Role.OFFICER, display_name="Bob Officer", email="bob@zone.example")
    _event(db, alice, "profile.approve", "professional_profiles", 1, datetime(2026, 3, 1, 2, tzinfo=UTC))
    _event(db, bob, "profile.reject", "professional_profiles", 2, datetime(2026, 3, 5, 2, tzinfo=UTC))
    _event(
        db,
        alice,
        "institution.approve",
        "institutions",
        1,
        datetime(2026, 3, 9, 2, tzinfo=UTC),
        {"x": "=cmd"},
    )
    db.session.commit()
    return alice, bob


def _rows(page: str) -> int:
    return page.count("<code>profile.") + page.count("<code>institution.")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 3),
        ("?actor=alice", 2),
        ("?actor=Bob+Officer", 1),
        ("?action=profile.approve", 1),
        ("?action=profile.", 2),
        ("?target_type=institutions", 1),
        ("?target_type=professional_profiles&target_id=2", 1),
        ("?since=2026-03-02&until=2026-03-05", 1),
        ("?since=2026-03-06", 1),
    ],
)
def test_filters_narrow_the_log(officer, events, query, expected):
    client, _officer = officer
    page = client.get(f"/officer/audit{query}").get_data(as_text=True)
    assert _rows(page) == expected


def test_filter_by_actor_id(officer, events):
    client, _officer = officer
    alice, _bob = events
    assert _rows(client.get(f"/officer/audit?actor={alice.id}").get_data(as_text=True)) == 2


def test_export_is_utf8_csv_with_bom_of_the_filtered_events_and_is_audited(officer, events, db):
    client, officer_user = officer
    response = client.get("/officer/audit.csv?actor=alice")
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["action"] for row in rows] == ["profile.approve", "institution.approve"]
    assert json.loads(rows[1]["after"]) == {"x": "=cmd"}
    export = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "audit.export"))
    assert export.actor_id == officer_user.id


def test_log_cannot_be_changed(db, events):
    event = db.session.scalar(sa.select(AuditEvent).limit(1))
    event.action = "profile.reject"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(sa.select(AuditEvent).limit(1)))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_invalid_filter_is_shown_next_to_the_field(officer, events):
    client, _officer = officer
    response = client.get("/officer/audit?since=2026-03-09&until=2026-03-01")
    assert response.status_code == 422
    assert "The end is before the start." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("value", "cell"), [("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("-1", "'-1"), ("ok", "ok"), (None, "")]
)
def test_csv_cells_never_start_a_formula(value, cell):
    from app.supervision.services import _cell

    assert _cell(value) == cell
