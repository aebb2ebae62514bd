"""Officers approve or reject accepted matches, seeing both sides and the explanation, and comment."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.matches.models import Match
from app.supervision.models import Decision, MatchComment, Review
from app.workflow import MatchStage
from tests.factories import make_match, make_need


def _accepted_match():
    need = make_need(
        title="Semiconductor packaging attorney", description="Flip-chip and fan-out packaging inventions."
    )
    return make_match(
        need=need,
        stage=MatchStage.ACCEPTED,
        score=81,
        components={"semantic": 0.9, "lexical": 0.4, "structured": 0.75},
        explanation={
            "reasons": [{"code": "shared_services", "params": {"codes": ["agency"]}}],
            "best_sentence": "Patent attorney for semiconductor and battery inventions, EPO oppositions.",
            "best_sentence_lang": "en",
        },
    )


def test_review_page_shows_both_sides_and_the_explanation(officer, db):
    client, _officer = officer
    match = _accepted_match()
    db.session.commit()
    assert "Semiconductor packaging attorney" in client.get("/officer/matches").get_data(as_text=True)
    page = client.get(f"/officer/matches/{match.id}").get_data(as_text=True)
    assert "Flip-chip and fan-out packaging inventions." in page
    assert "Anna Berg" in page
    assert "Offers the services asked for: Patent and trademark agency." in page
    assert "Patent attorney for semiconductor and battery inventions, EPO oppositions." in page
    assert "90 %" in page


def test_approving_an_accepted_match_is_audited_and_reviewed(officer, db):
    client, officer_user = officer
    match = _accepted_match()
    db.session.commit()
    url = f"/officer/matches/{match.id}"
    page = client.submit(
        f"{url}/decide",
        {"decision": "approved", "comment": "Fits the zone's plan.", "version": "1"},
        form_url=url,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The decision on the match is recorded." in page
    db.session.expire_all()
    assert match.stage == MatchStage.APPROVED
    assert match.moved_by_id == officer_user.id
    review = db.session.scalar(sa.select(Review).where(Review.target_type == "match"))
    assert (review.target_id, review.decision, review.comment) == (
        match.id,
        Decision.APPROVED,
        "Fits the zone's plan.",
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "match.approve"))
    assert (event.actor_id, event.target_id) == (officer_user.id, match.id)


def test_a_match_not_yet_accepted_cannot_be_decided(officer, db):
    client, _officer = officer
    match = make_match(stage=MatchStage.INVITED)
    db.session.commit()
    url = f"/officer/matches/{match.id}"
    response = client.submit(f"{url}/decide", {"decision": "rejected", "version": "1"}, form_url=url)
    assert response.status_code == 409
    assert db.session.get(Match, match.id).stage == MatchStage.INVITED


def test_officers_comment_on_a_match(officer, db):
    client, officer_user = officer
    match = _accepted_match()
    db.session.commit()
    url = f"/officer/matches/{match.id}"
    page = client.submit(
        f"{url}/comments", {"body": "Check the fan-out claims first."}, form_url=url, follow_redirects=True
    )
    text = page.get_data(as_text=True)
    assert "Check the fan-out claims first." in text
    comment = db.session.scalar(sa.select(MatchComment))
    assert (comment.match_id, comment.author_id) == (match.id, officer_user.id)
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "match.comment"))
    assert re.search(r"Chen Lihua", text)
