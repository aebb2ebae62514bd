"""Accounts, sign-in, CSRF and the role check on every view."""

from __future__ import annotations

import pytest

from app.workflow import Role
from tests.factories import PASSWORD, make_user

ROLE_PAGES = {
    "/me/": {Role.APPLICANT},
    "/zone/needs": {Role.RECRUITER},
    "/officer/queue": {Role.OFFICER, Role.ADMIN},
    "/officer/audit": {Role.OFFICER, Role.ADMIN},
    "/admin/users": {Role.ADMIN},
}


def test_every_view_declares_who_may_open_it(app):
    unguarded = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "allowed_roles")
    ]
    assert unguarded == []


def test_password_is_stored_hashed(db):
    user = make_user()
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_sign_in_shows_welcome_and_role_navigation(web, db):
    user = make_user(role=Role.OFFICER, display_name="Chen Lihua")
    db.session.commit()
    page = web.login(user.email, PASSWORD).get_data(as_text=True)
    assert "Welcome, Chen Lihua." in page
    assert 'href="/officer/queue"' in page


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(web, db):
    user = make_user()
    db.session.commit()
    page = web.login(user.email, "not the password").get_data(as_text=True)
    assert "Email or password is not correct." in page
    assert web.get("/me/").status_code == 302  # still signed out


def test_unknown_email_gets_the_same_answer(web, db):
    page = web.login("nobody@test.example", "whatever it is").get_data(as_text=True)
    assert "Email or password is not correct." in page


def test_inactive_user_cannot_sign_in(web, db):
    user = make_user(is_active=False)
    db.session.commit()
    page = web.login(user.email, PASSWORD).get_data(as_text=True)
    assert "Email or password is not correct." in page


def test_login_without_csrf_token_is_refused(web, db):
    user = make_user()
    db.session.commit()
    response = web.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert web.get("/me/").status_code == 302


def test_sign_out_ends_the_session(login_as):
    client, _user = login_as(Role.APPLICANT)
    page = client.logout().get_data(as_text=True)
    assert "You have signed out." in page
    assert client.get("/me/").status_code == 302


def test_sign_in_does_not_redirect_to_another_site(web, db):
    user = make_user()
    db.session.commit()
    token = web.csrf_token("/login")
    response = web.post(
        "/login?next=//evil.example/x", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("path", sorted(ROLE_PAGES))
def test_anonymous_visitor_is_sent_to_sign_in(web, path):
    response = web.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(("path", "role"), [(path, role) for path in sorted(ROLE_PAGES) for role in Role])
def test_each_role_opens_only_its_pages(login_as, path, role):
    client, _user = login_as(role)
    response = client.get(path)
    expected = 200 if role in ROLE_PAGES[path] else 403
    assert response.status_code == expected
    if expected == 403:
        assert "Access denied" in response.get_data(as_text=True)
