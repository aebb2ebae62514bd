"""No recruiter page carries a candidate's contact data before the candidate accepts the invitation."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.matches.models import Alert, CandidateKind, Match, SavedSearch
from app.matches.services import contact_visible
from app.workflow import MATCH_WORKFLOW, ApplicationStatus, MatchStage, OpportunityStatus, Role
from tests.factories import make_institution, make_need, make_opportunity, make_profile, make_user

APPROVED = ApplicationStatus.APPROVED
PERSON = ("secret.person@private.example", "+81 3 5555 0142")
INSTITUTION = ("desk@lind-secret.example", "rep@lind-secret.example", "+46 8 555 0101", "Ingrid Kontakt")
OWNER = ("owner@opportunity-secret.example", "+7 495 555 0199")
BLUEPRINTS = ("zones.", "matches.")


@pytest.fixture
def invited(recruiter, db, mailbox):
    """A cooperation need with a person, an institution and an opportunity invited, none accepted."""
    client, user = recruiter
    text = "Semiconductor patent cooperation partner for packaging inventions"
    need = make_need(zone=user.zone, kind="cooperation", title="Cooperation partner", description=text)
    person = make_user(email=PERSON[0], display_name="Yuki Tanaka")
    profile = make_profile(
        user=person, full_name="Yuki Tanaka", phone=PERSON[1], summary=text, status=APPROVED
    )
    institution = make_institution(
        legal_name="Lind Patent Agency",
        description=text,
        contact_name=INSTITUTION[3],
        contact_email=INSTITUTION[0],
        contact_phone=INSTITUTION[2],
        status=APPROVED,
    )
    make_user(email=INSTITUTION[1], display_name="Lind desk", institution=institution)
    owner = make_profile(
        user=make_user(email=OWNER[0], display_name="Olga Owner"),
        full_name="Olga Owner",
        phone=OWNER[1],
        status=APPROVED,
    )
    opportunity = make_opportunity(profile=owner, title=text, status=OpportunityStatus.OPEN)
    db.session.commit()
    for kind, candidate in (
        ("professional", profile),
        ("institution", institution),
        ("opportunity", opportunity),
    ):
        client.submit(
            "/zone/shortlist",
            {"need_id": need.id, "kind": kind, "candidate_id": candidate.id},
            form_url=f"/zone/needs/{need.id}/candidates",
        )
    matches = db.session.scalars(sa.select(Match).order_by(Match.id)).all()
    assert [m.stage for m in matches] == [MatchStage.SHORTLISTED] * 3
    for match in matches:
        url = f"/zone/matches/{match.id}"
        client.submit(f"{url}/invite", {"message": "Let us talk."}, form_url=url)
    saved = SavedSearch(recruiter_id=user.id, need_id=need.id, name="Follow", kind="professional")
    db.session.add(saved)
    db.session.flush()
    db.session.add(
        Alert(
            recruiter_id=user.id,
            saved_search=saved,
            target_kind=CandidateKind.PROFESSIONAL,
            target_id=profile.id,
            score=70,
        )
    )
    db.session.commit()
    return client, user, need, person, {m.id: m for m in matches}


def _get_urls(app, need_id: int, match_ids) -> dict[str, list[str]]:
    """Every GET page of the recruiter workspace, by endpoint, with real arguments."""
    urls: dict[str, list[str]] = {}
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith(BLUEPRINTS) or "GET" not in rule.methods:
                continue
            values = [{}]
            if "need_id" in rule.arguments:
                values = [{"need_id": need_id}]
            if "match_id" in rule.arguments:
                values = [{"match_id": match_id} for match_id in match_ids]
            pages = [url_for(rule.endpoint, **v) for v in values]
            if rule.endpoint == "matches.candidates":
                pages += [url_for(rule.endpoint, kind=kind, **values[0]) for kind in CandidateKind]
            if rule.endpoint == "matches.search":
                pages += [
                    url_for(rule.endpoint, q="semiconductor patent", kind=kind) for kind in CandidateKind
                ]
            if rule.endpoint == "matches.save_search":
                pages.append(url_for(rule.endpoint, need_id=need_id))
            urls[rule.endpoint] = pages
    return urls


def _bodies(client, app, need, matches) -> dict[str, str]:
    bodies = {}
    for pages in _get_urls(app, need.id, matches).values():
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            bodies[url] = response.data.decode("utf-8-sig")
    for match_id in matches:  # pages re-rendered after a refused form
        url = f"/zone/matches/{match_id}"
        for action, field in (("notes", "text"), ("invite", "message")):
            response = client.submit(f"{url}/{action}", {field: ""}, form_url=url)
            assert response.status_code == 422
            bodies[f"POST {url}/{action}"] = response.get_data(as_text=True)
    return bodies


def _leaks(bodies: dict[str, str], secrets) -> list[tuple[str, str]]:
    return [(url, secret) for url, body in bodies.items() for secret in secrets if secret in body]


def test_every_recruiter_page_is_covered(app):
    urls = _get_urls(app, 1, [1])
    gets = {
        r.endpoint
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith(BLUEPRINTS) and "GET" in r.methods
    }
    assert set(urls) == gets
    assert {
        "matches.candidates",
        "matches.board",
        "matches.match",
        "matches.export",
        "matches.alerts",
    } <= gets


def test_no_recruiter_page_shows_contact_data_before_acceptance(invited, app):
    client, _user, need, _person, matches = invited
    bodies = _bodies(client, app, need, matches)
    assert any("Lind Patent Agency" in body for body in bodies.values())  # the candidates are there...
    assert _leaks(bodies, PERSON + INSTITUTION + OWNER) == []  # ...their contact data is not
    assert any("Contact details are shown once the candidate accepts" in body for body in bodies.values())


def test_acceptance_reveals_the_candidates_contact_data_and_no_other(invited, app, db):
    client, _user, need, person, matches = invited
    person_match = next(m for m in matches.values() if m.profile_id is not None)
    MATCH_WORKFLOW.apply(person_match, MatchStage.ACCEPTED, person)
    db.session.commit()
    bodies = _bodies(client, app, need, matches)
    for url in (f"/zone/matches/{person_match.id}", f"/zone/needs/{need.id}/shortlist.csv"):
        assert PERSON[0] in bodies[url]
        assert PERSON[1] in bodies[url]
    assert _leaks(bodies, INSTITUTION + OWNER) == []
    exported = bodies[f"/zone/needs/{need.id}/shortlist.csv"]
    person_row = next(line for line in exported.splitlines() if "Yuki Tanaka" in line)
    assert re.search(r"Yuki Tanaka,secret\.person@private\.example,'\+81 3 5555 0142$", person_row)


def test_institution_contact_appears_after_its_representative_accepts(invited, app, db):
    client, _user, _need, _person, matches = invited
    match = next(m for m in matches.values() if m.institution_id is not None)
    representative = match.institution.representatives[0]
    MATCH_WORKFLOW.apply(match, MatchStage.ACCEPTED, representative)
    db.session.commit()
    page = client.get(f"/zone/matches/{match.id}").get_data(as_text=True)
    for secret in INSTITUTION:
        assert secret in page


def test_contact_visibility_rules(db):
    need = make_need()
    match_user = make_user(email="c@x.example")
    profile = make_profile(user=match_user, status=APPROVED)
    own = make_user(role=Role.RECRUITER, zone=need.zone)
    other = make_user(role=Role.RECRUITER)
    officer = make_user(role=Role.OFFICER)
    match = Match(need=need, profile=profile, stage=MatchStage.INVITED)
    db.session.add(match)
    db.session.flush()
    assert not contact_visible(match, own)
    assert contact_visible(match, officer)
    assert contact_visible(match, match_user)
    assert not contact_visible(match, make_user())
    assert not contact_visible(match, None)
    match.stage = MatchStage.ACCEPTED
    assert contact_visible(match, own)
    assert not contact_visible(match, other)
    match.stage = MatchStage.REJECTED
    assert not contact_visible(match, own)
