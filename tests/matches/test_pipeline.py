"""The shortlist pipeline of a need: shortlisting, the board, notes, invitations, the export."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.matches.models import Invitation, InvitationKind, Match, MatchNote
from app.workflow import ApplicationStatus, MatchStage, Role
from tests.factories import make_institution, make_match, make_need, make_profile, make_user

APPROVED = ApplicationStatus.APPROVED


@pytest.fixture
def need_and_candidate(recruiter, db):
    client, user = recruiter
    need = make_need(
        zone=user.zone,
        title="Semiconductor packaging patent attorney",
        description="A patent attorney for semiconductor packaging inventions.",
        services=["agency"],
        fields=["semiconductors"],
    )
    owner = make_user(email="yuki@tanaka.example", locale="ja", display_name="Yuki Tanaka")
    profile = make_profile(
        user=owner, full_name="Yuki Tanaka", phone="+81 3 5555 0142", lang="ja", status=APPROVED
    )
    db.session.commit()
    return client, user, need, profile


def _shortlist(client, need, kind, candidate_id, **extra):
    return client.submit(
        "/zone/shortlist",
        {"need_id": need.id, "kind": kind, "candidate_id": candidate_id, **extra},
        form_url=f"/zone/needs/{need.id}/candidates",
        follow_redirects=True,
    )


def _match_of(db, need) -> Match:
    db.session.expire_all()
    return db.session.scalar(sa.select(Match).where(Match.need_id == need.id))


def test_shortlisting_from_the_results_keeps_score_and_explanation(need_and_candidate, db):
    client, user, need, profile = need_and_candidate
    page = _shortlist(client, need, "professional", profile.id).get_data(as_text=True)
    assert "The candidate is on the shortlist of “Semiconductor packaging patent attorney”." in page
    assert "In the pipeline: Shortlisted" in page
    match = _match_of(db, need)
    assert match.profile_id == profile.id
    assert match.stage == MatchStage.SHORTLISTED
    assert match.moved_by_id == user.id
    assert match.score > 0
    assert set(match.components) >= {"semantic", "structured"}
    assert {"code": "shared_fields", "params": {"codes": ["semiconductors"]}} in match.explanation["reasons"]
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.target_type == "matches").order_by(AuditEvent.id)
    ).all()
    assert actions == ["match.propose", "match.shortlist"]


def test_a_candidate_failing_a_hard_requirement_cannot_be_shortlisted(need_and_candidate, db):
    client, _user, need, profile = need_and_candidate
    need.required_languages = [{"code": "de", "level": "C1"}]
    db.session.commit()
    page = _shortlist(client, need, "professional", profile.id).get_data(as_text=True)
    assert "This candidate does not meet the need’s requirements." in page
    assert _match_of(db, need) is None


def test_shortlisting_twice_says_so(need_and_candidate, db):
    client, _user, need, profile = need_and_candidate
    _shortlist(client, need, "professional", profile.id)
    page = _shortlist(client, need, "professional", profile.id).get_data(as_text=True)
    assert "This candidate is in the pipeline already (Shortlisted)." in page


def test_the_board_shows_columns_and_moves_are_audited(need_and_candidate, db):
    client, user, need, profile = need_and_candidate
    _shortlist(client, need, "professional", profile.id)
    match = _match_of(db, need)
    board = client.get(f"/zone/needs/{need.id}/board").get_data(as_text=True)
    for stage in ("Proposed", "Shortlisted", "Invited", "Accepted", "Declined", "Approved", "Rejected"):
        assert f'<h2 id="stage-{stage.lower()}">{stage}' in board
    shortlisted_column = board.split('id="stage-shortlisted"')[1].split("</section>")[0]
    assert "Yuki Tanaka" in shortlisted_column

    client.submit(
        f"/zone/matches/{match.id}/move", {"target": "dismissed"}, form_url=f"/zone/needs/{need.id}/board"
    )
    board = client.get(f"/zone/needs/{need.id}/board").get_data(as_text=True)
    assert "1 dismissed candidate" in board
    assert _match_of(db, need).stage == MatchStage.DISMISSED

    client.submit(
        f"/zone/matches/{match.id}/move", {"target": "proposed"}, form_url=f"/zone/needs/{need.id}/board"
    )
    assert _match_of(db, need).stage == MatchStage.PROPOSED
    history = client.get(f"/zone/matches/{match.id}").get_data(as_text=True)
    assert "Shortlisted → Dismissed" in history
    assert "Dismissed → Proposed" in history
    moves = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.target_type == "matches", AuditEvent.action == "match.dismiss")
    ).all()
    assert [event.actor_id for event in moves] == [user.id]


def test_a_recruiter_cannot_make_the_candidates_or_officers_moves(need_and_candidate, db):
    client, _user, need, profile = need_and_candidate
    match = make_match(need=need, profile=profile, stage=MatchStage.INVITED)
    db.session.commit()
    page = client.submit(
        f"/zone/matches/{match.id}/move",
        {"target": "accepted"},
        form_url=f"/zone/matches/{match.id}",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "This move is not possible." in page
    assert _match_of(db, need).stage == MatchStage.INVITED


def test_notes_are_kept_with_their_author(need_and_candidate, db):
    client, _user, need, profile = need_and_candidate
    match = make_match(need=need, profile=profile, stage=MatchStage.SHORTLISTED)
    db.session.commit()
    url = f"/zone/matches/{match.id}"
    page = client.submit(f"{url}/notes", {"text": "面试安排在下周三。"}, form_url=url, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "面试安排在下周三。" in text
    assert "Wang Xiaoning" in text
    assert db.session.scalar(sa.select(MatchNote.text)) == "面试安排在下周三。"


def test_an_empty_note_is_refused_next_to_the_field(need_and_candidate, db):
    client, _user, need, profile = need_and_candidate
    match = make_match(need=need, profile=profile, stage=MatchStage.SHORTLISTED)
    db.session.commit()
    url = f"/zone/matches/{match.id}"
    response = client.submit(f"{url}/notes", {"text": "x" * 2001}, form_url=url)
    assert response.status_code == 422
    assert "Field cannot be longer than 2000 characters." in response.get_data(as_text=True)


def test_invitation_moves_the_match_and_mails_the_candidate(need_and_candidate, db, mailbox):
    client, _user, need, profile = need_and_candidate
    match = make_match(need=need, profile=profile, stage=MatchStage.SHORTLISTED)
    db.session.commit()
    url = f"/zone/matches/{match.id}"
    page = client.submit(
        f"{url}/invite", {"message": "欢迎来园区交流。"}, form_url=url, follow_redirects=True
    ).get_data(as_text=True)
    assert "The invitation is sent." in page
    assert "欢迎来园区交流。" in page
    assert _match_of(db, need).stage == MatchStage.INVITED
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.kind == InvitationKind.INVITATION
    assert invitation.message == "欢迎来园区交流。"
    mail = mailbox.last_to("yuki@tanaka.example")
    assert "Semiconductor packaging patent attorney" in mail.get_content()
    assert "欢迎来园区交流。" in mail.get_content()
    assert mailbox.link_in(mail) == "/me/invitations"


def test_only_a_shortlisted_candidate_can_be_invited(need_and_candidate, db, mailbox):
    client, _user, need, profile = need_and_candidate
    match = make_match(need=need, profile=profile, stage=MatchStage.PROPOSED)
    db.session.commit()
    url = f"/zone/matches/{match.id}"
    response = client.submit(f"{url}/invite", {"message": "Hello"}, form_url=url)
    assert response.status_code == 422
    assert "A match cannot go from “Proposed” to “Invited”." in response.get_data(as_text=True)
    assert mailbox.messages == []
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0


def test_an_institution_is_invited_through_its_representatives(recruiter, db, mailbox):
    client, user = recruiter
    need = make_need(zone=user.zone, kind="institution", description="A patent agency for a branch")
    institution = make_institution(contact_email="desk@lind.example", status=APPROVED)
    make_user(email="rep@lind.example", institution=institution)
    match = make_match(need=need, institution=institution, stage=MatchStage.SHORTLISTED)
    db.session.commit()
    url = f"/zone/matches/{match.id}"
    client.submit(f"{url}/invite", {"message": "Welcome"}, form_url=url)
    assert [m["To"] for m in mailbox.messages] == ["rep@lind.example"]


def test_shortlist_export_is_utf8_with_bom_and_translated_columns(need_and_candidate, db):
    client, _user, need, profile = need_and_candidate
    profile.full_name = "田中 由紀"
    profile.headline = '=HYPERLINK("http://evil.example")'
    make_match(need=need, profile=profile, stage=MatchStage.SHORTLISTED, score=81.0)
    make_match(need=need, stage=MatchStage.DISMISSED)
    db.session.commit()
    response = client.get(f"/zone/needs/{need.id}/shortlist.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Stage", "Score", "Kind", "Name"]
    assert len(rows) == 2  # the dismissed candidate is not on the shortlist
    assert rows[1][:4] == ["Shortlisted", "81", "Professional", "田中 由紀"]
    assert rows[1][4].startswith("'=")  # a spreadsheet shows it rather than running it
    assert rows[1][-3:] == ["", "", ""]  # no contact data before acceptance


def test_officer_cannot_open_the_recruiter_workspace(login_as, db):
    client, _officer = login_as(Role.OFFICER)
    need = make_need()
    db.session.commit()
    assert client.get(f"/zone/needs/{need.id}/candidates").status_code == 403
    assert client.get("/zone/search").status_code == 403
