"""Registration, email verification, password reset and sign-in limits, with mail over real SMTP."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from app.accounts.models import LoginAttempt, User
from app.accounts.services import MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, PRIVACY_NOTICE_VERSION
from tests.factories import PASSWORD, make_user

GOOD_PASSWORD = "brevet-lyon-2026-opposition"


def _register(web, **overrides):
    data = {
        "applicant_kind": "professional",
        "display_name": "Chloé Martin",
        "email": "chloe@cabinet.example",
        "password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD,
        "locale": "en",
        "consent": "y",
    } | overrides
    return web.submit("/register", data)


def _users(db, email="chloe@cabinet.example"):
    return db.session.scalars(sa.select(User).where(User.email == email)).all()


def test_register_verify_by_mail_then_sign_in(web, db, mailbox):
    page = _register(web).get_data(as_text=True)
    assert "Check your inbox" in page
    [user] = _users(db)
    assert user.email_verified_at is None
    assert user.consent_version == PRIVACY_NOTICE_VERSION
    assert user.consented_at is not None

    message = mailbox.last_to("chloe@cabinet.example")
    assert message["Subject"] == "Confirm your email address for IPBridge"
    assert "Hello Chloé Martin," in message.get_content()
    confirmed = web.get(mailbox.link_in(message), follow_redirects=True).get_data(as_text=True)
    assert "Your email address is confirmed." in confirmed
    assert "Welcome, Chloé Martin." in web.login("chloe@cabinet.example", GOOD_PASSWORD).get_data(
        as_text=True
    )


def test_unverified_account_cannot_sign_in_and_gets_a_new_link(web, db, mailbox):
    _register(web)
    mailbox.messages.clear()
    page = web.login("chloe@cabinet.example", GOOD_PASSWORD).get_data(as_text=True)
    assert "Please confirm your email address first" in page
    assert mailbox.last_to("chloe@cabinet.example")["Subject"] == "Confirm your email address for IPBridge"
    assert web.get("/me/").status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw-1", "Use at least 12 characters."),
        ("chloe-is-my-password", "Do not use your email address or your name in the password."),
        ("Martin2026!!long", "Do not use your email address or your name in the password."),
        ("aaaaaaaaaaaaaaaa", "Use more different characters."),
    ],
)
def test_weak_password_is_refused_and_the_form_keeps_what_was_typed(web, db, mailbox, password, message):
    response = _register(web, password=password, confirm=password)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'value="chloe@cabinet.example"' in page
    assert 'value="Chloé Martin"' in page
    assert _users(db) == []
    assert mailbox.messages == []


def test_registration_needs_consent(web, db):
    data = {"consent": ""}
    page = _register(web, **data).get_data(as_text=True)
    assert "Your consent is needed to create an account." in page
    assert _users(db) == []


def test_mismatched_passwords_are_refused(web, db):
    page = _register(web, confirm=GOOD_PASSWORD + "x").get_data(as_text=True)
    assert "The two passwords differ." in page


def test_second_account_with_same_email_is_refused_without_telling(web, db, mailbox):
    existing = make_user(email="chloe@cabinet.example", display_name="Chloé Martin")
    db.session.commit()
    page = _register(web, display_name="Someone Else").get_data(as_text=True)
    assert "Check your inbox" in page  # the same answer as for a new address
    assert _users(db) == [existing]
    notice = mailbox.last_to("chloe@cabinet.example")
    assert notice["Subject"] == "Someone tried to register with your email address"


def test_registration_without_csrf_token_is_refused(web, db):
    response = web.post("/register", data={"email": "x@y.example", "password": GOOD_PASSWORD})
    assert response.status_code == 400


def test_tampered_verification_link_is_refused(web, db, mailbox):
    _register(web)
    link = mailbox.link_in(mailbox.last_to("chloe@cabinet.example"))
    page = web.get(link[:-3] + "xyz", follow_redirects=True).get_data(as_text=True)
    assert "This link is not valid." in page
    assert _users(db)[0].email_verified_at is None


def test_expired_verification_link_is_refused(web, db, mailbox, monkeypatch):
    four_days_ago = TimestampSigner.get_timestamp(None) - 4 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: four_days_ago)
    _register(web)
    monkeypatch.undo()
    link = mailbox.link_in(mailbox.last_to("chloe@cabinet.example"))
    page = web.get(link, follow_redirects=True).get_data(as_text=True)
    assert "This link has expired." in page


def test_password_reset_by_mail_works_once(web, db, mailbox):
    user = make_user(email="anna@berg.example")
    db.session.commit()
    assert "Check your inbox" in web.submit("/reset", {"email": "anna@berg.example"}).get_data(as_text=True)
    link = mailbox.link_in(mailbox.last_to("anna@berg.example"))
    new_password = "a-brand-new-secret-2027"
    page = web.submit(link, {"password": new_password, "confirm": new_password}, follow_redirects=True)
    assert "Your password has been changed." in page.get_data(as_text=True)
    assert "Welcome" in web.login(user.email, new_password).get_data(as_text=True)
    web.logout()
    assert "Email or password is not correct." in web.login(user.email, PASSWORD).get_data(as_text=True)
    again = web.submit(
        link, {"password": "yet-another-secret-99", "confirm": "yet-another-secret-99"}, follow_redirects=True
    )
    assert "This link has been used already." in again.get_data(as_text=True)


def test_reset_for_unknown_email_looks_the_same_and_sends_nothing(web, db, mailbox):
    page = web.submit("/reset", {"email": "nobody@nowhere.example"}).get_data(as_text=True)
    assert "Check your inbox" in page
    assert mailbox.messages == []


def test_repeated_failures_lock_the_account_for_a_while(web, db):
    user = make_user()
    db.session.commit()
    for _attempt in range(MAX_FAILURES_PER_ACCOUNT):
        web.login(user.email, "wrong password here")
    response = web.login(user.email, PASSWORD)
    assert "Too many failed sign-ins for this account." in response.get_data(as_text=True)
    assert web.get("/me/").status_code == 302


def test_repeated_failures_from_one_address_are_limited(web, db):
    for n in range(MAX_FAILURES_PER_ADDRESS):
        db.session.add(LoginAttempt(email=f"guess{n}@x.example", remote_addr="127.0.0.1", succeeded=False))
    user = make_user()
    db.session.commit()
    page = web.login(user.email, PASSWORD).get_data(as_text=True)
    assert "Too many failed sign-ins from your network." in page
