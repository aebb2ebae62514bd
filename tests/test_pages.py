"""Home page, health check, error pages, language switcher."""

from __future__ import annotations

import re

from app.workflow import ApplicationStatus, NeedStatus, Role
from tests.factories import make_need, make_profile, make_zone


def test_home_lists_zones_with_live_counts(web, db):
    zone = make_zone(names={"en": "Suzhou Industrial Park", "zh_Hans": "苏州工业园区"})
    make_need(zone=zone, status=NeedStatus.OPEN)
    make_need(zone=zone, status=NeedStatus.CLOSED)
    make_profile(status=ApplicationStatus.APPROVED)
    make_profile(status=ApplicationStatus.SUBMITTED)
    db.session.commit()
    page = web.get("/").get_data(as_text=True)
    assert "Suzhou Industrial Park" in page
    assert "1 open need" in page
    assert "<dt>Approved professionals</dt><dd>1</dd>" in page


def test_home_names_zones_in_the_readers_language(web, db):
    make_zone(names={"en": "Suzhou Industrial Park", "zh_Hans": "苏州工业园区"})
    db.session.commit()
    page = web.get("/?lang=zh_Hans").get_data(as_text=True)
    assert "苏州工业园区" in page
    assert 'lang="zh-Hans"' in page


def test_healthz_reports_database_and_index(web, db):
    response = web.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert "index" in body


def test_unknown_page_gets_a_404_page(web):
    response = web.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_api_clients_get_json_errors(web):
    response = web.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def _app_with_failing_page(tmp_path):
    from app import create_app
    from config import TestingConfig
    from tests.conftest import app_overrides

    app = create_app(TestingConfig, app_overrides(tmp_path, PROPAGATE_EXCEPTIONS=False))

    @app.get("/boom")
    def boom():
        raise ZeroDivisionError

    return app


def test_unexpected_error_shows_the_500_page(tmp_path):
    response = _app_with_failing_page(tmp_path).test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


def test_500_page_is_in_the_readers_language(tmp_path):
    response = _app_with_failing_page(tmp_path).test_client().get("/boom?lang=ar")
    assert 'dir="rtl"' in response.get_data(as_text=True)


def test_404_page_is_in_the_readers_language(web):
    page = web.get("/no-such-page?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page


def test_403_page_is_in_the_readers_language(login_as):
    client, _user = login_as(Role.APPLICANT)
    response = client.get("/officer/queue?lang=ar")
    assert response.status_code == 403
    assert 'dir="rtl"' in response.get_data(as_text=True)


def test_language_switcher_keeps_the_current_page(web, db):
    home = web.get("/?x=1").get_data(as_text=True)
    link = re.search(r'href="(/language/fr\?[^"]+)"', home).group(1).replace("&amp;", "&")
    response = web.get(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/?x=1"
    assert '<html lang="fr"' in web.get("/?x=1").get_data(as_text=True)


def test_switcher_refuses_to_leave_the_site(web):
    response = web.get("/language/fr?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_signed_in_users_language_is_saved_for_their_mail(login_as, db):
    client, user = login_as(Role.APPLICANT)
    client.get("/language/ja?next=/me/")
    db.session.refresh(user)
    assert user.locale == "ja"


def test_switched_language_is_remembered(web, db):
    web.get("/?lang=ja")
    page = web.get("/").get_data(as_text=True)
    assert '<html lang="ja"' in page
