"""A recruiter works for one zone: another zone's needs, matches and saved searches do not exist for them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.matches.models import Match, SavedSearch
from app.workflow import ApplicationStatus, MatchStage, Role
from tests.factories import make_match, make_need, make_profile, make_user

BLUEPRINTS = ("zones.", "matches.")


@pytest.fixture
def foreign(recruiter, db):
    """The signed-in recruiter, and a need, a match and a saved search of another zone."""
    client, user = recruiter
    other = make_user(role=Role.RECRUITER)
    need = make_need(zone=other.zone, title="Another zone's need")
    profile = make_profile(full_name="Yuki Tanaka", status=ApplicationStatus.APPROVED)
    match = make_match(need=need, profile=profile, stage=MatchStage.SHORTLISTED)
    saved = SavedSearch(recruiter_id=other.id, need_id=need.id, name="Theirs", kind="professional")
    db.session.add(saved)
    make_need(zone=user.zone, title="Our own need")
    db.session.commit()
    return client, {"need_id": need.id, "match_id": match.id, "saved_search_id": saved.id}, profile


def _scoped_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(BLUEPRINTS)
        and rule.arguments & {"need_id", "match_id", "saved_search_id"}
    ]


def test_every_route_of_another_zones_object_is_not_found(foreign, app, db):
    client, ids, _profile = foreign
    token = client.csrf_token("/zone/needs")
    rules = _scoped_rules(app)
    assert len(rules) >= 11
    for rule in rules:
        url = rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(url)
            else:
                data = {
                    "csrf_token": token,
                    "text": "x",
                    "message": "x",
                    "target": "dismissed",
                    "action": "close",
                }
                response = client.post(url, data=data)
            assert response.status_code == 404, f"{method} {url}: {response.status_code}"
    db.session.expire_all()
    assert db.session.scalar(sa.select(Match.stage)) == MatchStage.SHORTLISTED


def test_shortlisting_for_another_zones_need_is_not_found(foreign, db):
    client, ids, profile = foreign
    response = client.submit(
        "/zone/shortlist",
        {"need_id": ids["need_id"], "kind": "professional", "candidate_id": profile.id},
        form_url="/zone/needs",
    )
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/zone/searches/new?need_id={need_id}", "/zone/needs/{need_id}/candidates"])
def test_following_another_zones_need_is_not_found(foreign, url):
    client, ids, _profile = foreign
    assert client.get(url.format(**ids)).status_code == 404


def test_the_needs_list_shows_the_recruiters_zone_only(foreign):
    client, _ids, _profile = foreign
    page = client.get("/zone/needs").get_data(as_text=True)
    assert "Our own need" in page
    assert "Another zone&#39;s need" not in page
    assert "Another zone's need" not in page


def test_another_recruiters_saved_searches_are_not_listed(foreign):
    client, _ids, _profile = foreign
    assert "Theirs" not in client.get("/zone/searches").get_data(as_text=True)
