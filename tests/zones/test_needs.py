"""A recruiter posts, edits, closes and reopens the needs of their zone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.workflow import ApplicationStatus, MatchStage, NeedStatus, Role
from app.zones.models import ZoneNeed
from tests.factories import make_match, make_need, make_profile

NEXT_YEAR = (date.today() + timedelta(days=365)).isoformat()


@pytest.fixture
def recruiter(login_as):
    return login_as(Role.RECRUITER, display_name="Wang Xiaoning")


def _need_form(**fields) -> dict:
    data = {
        "kind": "talent",
        "title": "招聘精通日语的半导体专利代理师",
        "description": "负责刻蚀和薄膜沉积设备相关发明的中日专利申请，直接用日语与日方知识产权部门沟通。",
        "lang": "auto",
        "required_languages-0-code": "ja",
        "required_languages-0-level": "C1",
        "required_languages-1-code": "",
        "required_languages-1-level": "B2",
        "required_languages-2-code": "",
        "required_languages-2-level": "B2",
        "services": ["agency"],
        "fields": ["semiconductors"],
        "required_qualifications": ["cn_patent_attorney"],
        "min_experience": "5",
        "openings": "2",
        "deadline": NEXT_YEAR,
        "publish": "Save and publish",
    }
    return data | fields


def _events(db) -> list[str]:
    return db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.target_type == "zone_needs").order_by(AuditEvent.id)
    ).all()


def test_recruiter_posts_a_need_in_chinese_and_publishes_it(recruiter, db):
    client, user = recruiter
    page = client.submit("/zone/needs/new", _need_form(), follow_redirects=True).get_data(as_text=True)
    assert "The need is published." in page
    assert '<h1 lang="zh">招聘精通日语的半导体专利代理师</h1>' in page
    assert "Japanese (at least C1)" in page
    assert "Patent attorney qualification certificate (CNIPA)" in page
    need = db.session.scalar(sa.select(ZoneNeed))
    assert (need.zone_id, need.status, need.lang) == (user.zone_id, NeedStatus.OPEN, "zh")
    assert need.required_languages == [{"code": "ja", "level": "C1"}]
    assert (need.min_experience, need.openings, need.created_by_id) == (5, 2, user.id)
    assert _events(db) == ["need.create", "need.publish"]
    listed = client.get("/zone/needs").get_data(as_text=True)
    assert "招聘精通日语的半导体专利代理师" in listed


def test_a_need_saved_as_draft_stays_a_draft(recruiter, db):
    client, _user = recruiter
    data = _need_form(lang="en", title="Licensing manager", description="Technology transfer of seeds")
    data.pop("publish")
    data["save"] = "Save as draft"
    client.submit("/zone/needs/new", data)
    need = db.session.scalar(sa.select(ZoneNeed))
    assert (need.status, need.lang) == (NeedStatus.DRAFT, "en")


def test_bad_input_is_shown_next_to_the_fields_with_what_was_typed(recruiter, db):
    client, _user = recruiter
    data = _need_form(
        title="",
        deadline=(date.today() - timedelta(days=1)).isoformat(),
        openings="0",
        **{"required_languages-1-code": "ja"},
    )
    response = client.submit("/zone/needs/new", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This field is required." in page
    assert "The deadline is in the past." in page
    assert "Number must be between 1 and 1000." in page
    assert "Each language once, please." in page
    assert "负责刻蚀和薄膜沉积设备相关发明" in page  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count(ZoneNeed.id))) == 0


def test_too_long_text_is_refused(recruiter, db):
    client, _user = recruiter
    response = client.submit("/zone/needs/new", _need_form(title="x" * 201))
    assert response.status_code == 422
    assert "Field cannot be longer than 200 characters." in response.get_data(as_text=True)


def test_close_and_reopen_a_need(recruiter, db):
    client, user = recruiter
    need = make_need(zone=user.zone)
    db.session.commit()
    url = f"/zone/needs/{need.id}"
    page = client.submit(f"{url}/status", {"action": "close"}, form_url=url, follow_redirects=True)
    assert "The need is now “Closed”." in page.get_data(as_text=True)
    page = client.submit(f"{url}/status", {"action": "reopen"}, form_url=url, follow_redirects=True)
    assert "The need is now “Open”." in page.get_data(as_text=True)
    page = client.submit(f"{url}/status", {"action": "reopen"}, form_url=url, follow_redirects=True)
    assert "A zone need cannot go from “Open” to “Open”." in page.get_data(as_text=True)
    assert _events(db) == ["need.close", "need.reopen"]


def test_a_draft_is_published_with_its_button(recruiter, db):
    client, user = recruiter
    need = make_need(zone=user.zone, status=NeedStatus.DRAFT)
    db.session.commit()
    url = f"/zone/needs/{need.id}"
    assert 'value="publish"' in client.get(url).get_data(as_text=True)
    client.submit(f"{url}/status", {"action": "publish"}, form_url=url)
    db.session.expire_all()
    assert db.session.get(ZoneNeed, need.id).status == NeedStatus.OPEN


def test_editing_a_need_keeps_what_is_not_changed(recruiter, db):
    client, user = recruiter
    need = make_need(zone=user.zone, required_languages=[{"code": "ja", "level": "C1"}], services=["agency"])
    db.session.commit()
    url = f"/zone/needs/{need.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Semiconductor patent attorney"' in form
    data = _need_form(title="Semiconductor packaging attorney", lang="en", description=need.description)
    data.pop("publish")
    data["save"] = "Save"
    page = client.submit(url, data, follow_redirects=True).get_data(as_text=True)
    assert "The need is saved." in page
    db.session.expire_all()
    need = db.session.get(ZoneNeed, need.id)
    assert need.title == "Semiconductor packaging attorney"
    assert need.status == NeedStatus.OPEN
    assert _events(db) == ["need.edit"]


def test_the_kind_of_a_need_with_candidates_cannot_change(recruiter, db):
    client, user = recruiter
    need = make_need(zone=user.zone)
    make_match(
        need=need, profile=make_profile(status=ApplicationStatus.APPROVED), stage=MatchStage.SHORTLISTED
    )
    db.session.commit()
    url = f"/zone/needs/{need.id}/edit"
    data = _need_form(kind="institution", lang="en")
    data.pop("publish")
    response = client.submit(url, data)
    assert response.status_code == 422
    assert "its kind cannot change" in response.get_data(as_text=True)
