"""Saved searches and followed needs: an approval of a fitting applicant tells the recruiter."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.matches.alerts import notify_saved_searches
from app.matches.models import Alert, SavedSearch
from app.workflow import INSTITUTION_WORKFLOW, PROFILE_WORKFLOW, ApplicationStatus, NeedStatus, Role
from tests.factories import make_institution, make_need, make_profile, make_user

SUBMITTED = ApplicationStatus.SUBMITTED
APPROVED = ApplicationStatus.APPROVED
BACKGROUND = (
    "Trademark oppositions for wine and spirits brands in Bordeaux.",
    "Plant variety licensing for fruit growers in Chile.",
    "Customs recordal and anti-counterfeiting raids in the Gulf states.",
    "Pharmaceutical patent litigation and generics in India.",
    "Valuation of software patents for bank loans.",
)
PACKAGING = "Wafer bonding and semiconductor packaging patents."


@pytest.fixture
def officer(db):
    user = make_user(role=Role.OFFICER)
    db.session.commit()  # the web client's requests share the connection: nothing may stay pending
    return user


@pytest.fixture
def background(db):
    """Approved profiles that fit nothing in particular: each query's similarity baseline."""
    for n, summary in enumerate(BACKGROUND):
        make_profile(full_name=f"Background {n}", summary=summary, headline="IP specialist", status=APPROVED)
    db.session.commit()


def _save_text_search(client, **fields):
    data = {"q": "wafer bonding semiconductor packaging patents", "kind": "professional", "threshold": 50}
    return client.submit(
        "/zone/searches/new", data | fields, form_url="/zone/searches/new", follow_redirects=True
    )


def _alerts(db) -> list[Alert]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Alert).order_by(Alert.id)).all()


def test_approving_a_fitting_profile_raises_an_alert_in_the_app_and_by_mail(
    recruiter, background, officer, db, mailbox
):
    client, user = recruiter
    page = _save_text_search(client, name="Packaging").get_data(as_text=True)
    assert "The search is saved" in page
    fitting = make_profile(full_name="Yuki Tanaka", summary=PACKAGING, status=SUBMITTED)
    unrelated = make_profile(
        full_name="Pedro Ruiz", summary="Trademark disputes of football clubs.", status=SUBMITTED
    )
    db.session.commit()
    PROFILE_WORKFLOW.apply(fitting, APPROVED, officer)
    PROFILE_WORKFLOW.apply(unrelated, APPROVED, officer)
    db.session.commit()

    alerts = _alerts(db)
    assert [(a.target_kind, a.target_id, a.recruiter_id) for a in alerts] == [
        ("professional", fitting.id, user.id)
    ]
    assert alerts[0].score >= 50
    mail = mailbox.last_to(user.email)
    assert "Packaging" in mail["Subject"]
    assert "Yuki Tanaka" in mail.get_content()
    assert "/zone/alerts" in mail.get_content()

    home = client.get("/zone/needs").get_data(as_text=True)
    assert '<span class="badge">1 new</span>' in home
    listed = client.get("/zone/alerts").get_data(as_text=True)
    assert "Yuki Tanaka" in listed
    assert "Pedro Ruiz" not in listed
    client.submit("/zone/alerts/read", {}, form_url="/zone/alerts")
    assert '<span class="badge">' not in client.get("/zone/needs").get_data(as_text=True)


def test_a_followed_need_alerts_only_for_candidates_meeting_its_requirements(
    recruiter, background, officer, db
):
    client, user = recruiter
    need = make_need(
        zone=user.zone,
        title="Packaging attorney",
        description="Patent attorney for wafer bonding and semiconductor packaging.",
        required_languages=[{"code": "ja", "level": "B2"}],
    )
    db.session.commit()
    response = client.submit(
        "/zone/searches/new",
        {"need_id": need.id, "kind": "professional", "threshold": 20},
        form_url=f"/zone/searches/new?need_id={need.id}",
        follow_redirects=True,
    )
    assert "Follows the need" in response.get_data(as_text=True)
    speaks = make_profile(
        full_name="Yuki Tanaka",
        summary=PACKAGING,
        languages=[{"code": "ja", "level": "C1"}],
        status=SUBMITTED,
    )
    silent = make_profile(full_name="Anna Berg", summary=PACKAGING, status=SUBMITTED)
    db.session.commit()
    for profile in (speaks, silent):
        PROFILE_WORKFLOW.apply(profile, APPROVED, officer)
    db.session.commit()
    assert [a.target_id for a in _alerts(db)] == [speaks.id]


def test_no_alert_below_the_threshold(recruiter, background, officer, db):
    client, _user = recruiter
    _save_text_search(client, threshold=100)
    profile = make_profile(full_name="Yuki Tanaka", summary=PACKAGING, status=SUBMITTED)
    db.session.commit()
    PROFILE_WORKFLOW.apply(profile, APPROVED, officer)
    db.session.commit()
    assert _alerts(db) == []


def test_a_rolled_back_approval_raises_no_alert(recruiter, background, officer, db):
    client, _user = recruiter
    _save_text_search(client)
    profile = make_profile(full_name="Yuki Tanaka", summary=PACKAGING, status=SUBMITTED)
    db.session.commit()
    PROFILE_WORKFLOW.apply(profile, APPROVED, officer)
    db.session.flush()
    db.session.rollback()
    assert _alerts(db) == []


def test_an_alert_is_raised_once_per_candidate(recruiter, background, officer, db):
    client, _user = recruiter
    _save_text_search(client)
    profile = make_profile(full_name="Yuki Tanaka", summary=PACKAGING, status=SUBMITTED)
    db.session.commit()
    PROFILE_WORKFLOW.apply(profile, APPROVED, officer)
    db.session.commit()
    PROFILE_WORKFLOW.apply(profile, ApplicationStatus.SUSPENDED, officer)
    db.session.commit()
    PROFILE_WORKFLOW.apply(profile, APPROVED, officer)
    notify_saved_searches(profile)  # an officer service may ask as well; nothing doubles
    db.session.commit()
    assert len(_alerts(db)) == 1


def test_a_closed_need_no_longer_alerts(recruiter, background, officer, db):
    _client, user = recruiter
    need = make_need(zone=user.zone, description=PACKAGING)
    db.session.add(SavedSearch(recruiter_id=user.id, need=need, name="n", kind="professional", threshold=0))
    need.status = NeedStatus.CLOSED
    profile = make_profile(full_name="Yuki Tanaka", summary=PACKAGING, status=SUBMITTED)
    db.session.commit()
    PROFILE_WORKFLOW.apply(profile, APPROVED, officer)
    db.session.commit()
    assert _alerts(db) == []


def test_approving_a_fitting_institution_raises_an_alert(recruiter, background, officer, db):
    client, _user = recruiter
    _save_text_search(client, kind="institution", threshold=0)
    institution = make_institution(legal_name="Lind Patent Agency", description=PACKAGING, status=SUBMITTED)
    db.session.commit()
    INSTITUTION_WORKFLOW.apply(institution, APPROVED, officer)
    db.session.commit()
    assert [(a.target_kind, a.target_id) for a in _alerts(db)] == [("institution", institution.id)]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"threshold": 150}, "Number must be between 0 and 100."),
        ({"q": ""}, "Describe what you are looking for, or follow one of your needs."),
    ],
)
def test_a_bad_saved_search_is_refused_next_to_the_field(recruiter, fields, message):
    client, _user = recruiter
    response = _save_text_search(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_deleting_a_saved_search(recruiter, db):
    client, _user = recruiter
    _save_text_search(client, name="Packaging")
    saved = db.session.scalar(sa.select(SavedSearch))
    client.submit(f"/zone/searches/{saved.id}/delete", {}, form_url="/zone/searches")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(SavedSearch.id))) == 0
