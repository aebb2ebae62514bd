"""Administration: users and roles (never without an administrator), zones."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.workflow import Role
from app.zones.models import Zone
from tests.factories import PASSWORD, make_need, make_user, make_zone


def _user_form(user, **changes) -> dict:
    values = {"display_name": user.display_name, "role": str(user.role), "zone_id": "", "is_active": "y"}
    return {key: value for key, value in (values | changes).items() if value is not None}


def test_the_last_admin_cannot_demote_themselves(login_as, db):
    client, admin = login_as(Role.ADMIN)
    url = f"/admin/users/{admin.id}"
    response = client.submit(url, _user_form(admin, role="officer"))
    assert response.status_code == 422
    assert "This is the last active administrator" in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.role == Role.ADMIN


def test_the_last_admin_cannot_be_deactivated(login_as, db):
    client, admin = login_as(Role.ADMIN)
    response = client.submit(f"/admin/users/{admin.id}", _user_form(admin, is_active=None))
    assert response.status_code == 422
    db.session.expire_all()
    assert admin.is_active


def test_with_a_second_admin_the_role_can_change_and_it_is_audited(login_as, db):
    client, admin = login_as(Role.ADMIN)
    other = make_user(role=Role.ADMIN)
    db.session.commit()
    client.submit(f"/admin/users/{other.id}", _user_form(other, role="officer"))
    db.session.expire_all()
    assert other.role == Role.OFFICER
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert (event.actor_id, event.before, event.after) == (admin.id, {"role": "admin"}, {"role": "officer"})


def test_a_recruiter_needs_a_zone(login_as, db):
    client, _admin = login_as(Role.ADMIN)
    user = make_user(role=Role.OFFICER)
    db.session.commit()
    response = client.submit(f"/admin/users/{user.id}", _user_form(user, role="recruiter"))
    assert response.status_code == 422
    assert "A recruiter works for a zone: choose one." in response.get_data(as_text=True)
    zone = make_zone()
    db.session.commit()
    client.submit(f"/admin/users/{user.id}", _user_form(user, role="recruiter", zone_id=str(zone.id)))
    db.session.expire_all()
    assert (user.role, user.zone_id) == (Role.RECRUITER, zone.id)


def test_admin_creates_a_staff_account_whose_owner_sets_a_password_by_mail(login_as, db, mailbox, web):
    client, _admin = login_as(Role.ADMIN)
    response = client.submit(
        "/admin/users/new",
        {
            "email": "Wang.Fang@zone.example",
            "display_name": "王芳",
            "role": "officer",
            "zone_id": "",
            "locale": "en",
            "is_active": "y",
        },
        follow_redirects=True,
    )
    assert "The account is created" in response.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == "wang.fang@zone.example"))
    assert user.role == Role.OFFICER
    assert not user.check_password(PASSWORD)
    link = mailbox.link_in(mailbox.last_to("wang.fang@zone.example"))
    web.submit(link, {"password": "a new long passphrase 42", "confirm": "a new long passphrase 42"})
    assert web.login("wang.fang@zone.example", "a new long passphrase 42").status_code == 200
    assert web.get("/officer/queue").status_code == 200


def test_users_list_stays_at_its_address_and_filters(login_as, db):
    client, _admin = login_as(Role.ADMIN)
    make_user(role=Role.RECRUITER, display_name="Wang Xiaoning")
    db.session.commit()
    page = client.get("/admin/users?role=recruiter").get_data(as_text=True)
    assert "Wang Xiaoning" in page
    assert "Administrator" not in page.split("<tbody>", 1)[1]


def test_admin_adds_and_edits_a_zone_with_names_per_language(login_as, db):
    client, _admin = login_as(Role.ADMIN)
    form = {
        "code": "hefei-hightech",
        "name_en": "Hefei High-tech Zone",
        "name_zh_Hans": "合肥高新区",
        "level": "provincial",
        "region": "CN-AH",
        "city": "Hefei",
        "clusters": ["semiconductors", "new_energy_vehicles"],
        "description": "Quantum and NEV cluster.",
        "lang": "en",
    }
    client.submit("/admin/zones/new", form)
    zone = db.session.scalar(sa.select(Zone).where(Zone.code == "hefei-hightech"))
    assert zone.names == {"en": "Hefei High-tech Zone", "zh_Hans": "合肥高新区"}
    assert zone.clusters == ["semiconductors", "new_energy_vehicles"]
    client.submit(f"/admin/zones/{zone.id}", form | {"city": "Hefei, Anhui"})
    db.session.expire_all()
    assert zone.city == "Hefei, Anhui"
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"zone.create", "zone.update"} <= actions


def test_zone_form_errors_are_shown_next_to_the_field(login_as, db):
    client, _admin = login_as(Role.ADMIN)
    response = client.submit(
        "/admin/zones/new",
        {"code": "Bad Code", "name_en": "", "level": "national", "region": "x", "city": "c", "lang": "en"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Lower-case letters, digits and hyphens." in page
    assert "An ISO 3166-2 code such as CN-JS." in page


def test_a_zone_in_use_cannot_be_deleted(login_as, db):
    client, _admin = login_as(Role.ADMIN)
    used = make_zone()
    make_need(zone=used)
    unused = make_zone()
    db.session.commit()
    used_id, unused_id = used.id, unused.id
    page = client.submit(f"/admin/zones/{used.id}/delete", {}, form_url="/admin/zones", follow_redirects=True)
    assert "This zone is in use" in page.get_data(as_text=True)
    client.submit(f"/admin/zones/{unused_id}/delete", {}, form_url="/admin/zones")
    db.session.expunge_all()
    assert db.session.get(Zone, used_id) is not None
    assert db.session.get(Zone, unused_id) is None
