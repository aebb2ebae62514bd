"""Every officer route refuses non-officers, every admin route non-admins: 403, whatever the method."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from app import create_app
from app.workflow import Role
from config import TestingConfig


def _console_routes() -> list[tuple[str, str, str]]:
    """(url with sample ids, method, area) of every rule under /officer and /admin."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestingConfig, {"INSTANCE_PATH": Path(folder)})
    routes = []
    for rule in app.url_map.iter_rules():
        area = rule.rule.split("/")[1]
        if area not in {"officer", "admin"}:
            continue
        url = re.sub(r"<any\([^)]*\):target>", "profile", rule.rule)
        url = re.sub(r"<(?:int:)?[^>]+>", "1", url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((url, method, area))
    return routes


ROUTES = _console_routes()
REFUSED = [
    (url, method, role)
    for url, method, area in ROUTES
    for role in (Role.APPLICANT, Role.RECRUITER, *((Role.OFFICER,) if area == "admin" else ()))
]


def test_the_console_has_routes_to_check():
    areas = {area for _url, _method, area in ROUTES}
    assert areas == {"officer", "admin"}
    assert len(ROUTES) > 20


@pytest.mark.parametrize(("url", "method", "role"), REFUSED)
def test_route_refuses_roles_without_the_right(login_as, url, method, role):
    client, _user = login_as(role)
    # POSTs carry a valid CSRF token, so that it is the role check that answers.
    response = client.get(url) if method == "GET" else client.submit(url, {}, form_url="/")
    assert response.status_code == 403


@pytest.mark.parametrize(("url", "method"), [(url, method) for url, method, _area in ROUTES])
def test_anonymous_visitor_is_sent_to_sign_in(web, url, method):
    response = web.get(url) if method == "GET" else web.submit(url, {}, form_url="/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "url", sorted({url for url, method, area in ROUTES if method == "GET" and "1" not in url})
)
def test_officer_and_admin_open_the_pages_of_their_area(login_as, url):
    client, _officer = login_as(Role.OFFICER)
    admin_client, _admin = login_as(Role.ADMIN)
    expected = 403 if url.startswith("/admin") else 200
    assert client.get(url).status_code == expected
    assert admin_client.get(url).status_code == 200
