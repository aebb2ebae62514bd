"""Blacklist management: entries, CSV import (all or nothing), re-screening approved providers."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.profiles.models import Institution
from app.supervision.models import BlacklistEntry, HitStatus, ScreeningHit
from app.workflow import ApplicationStatus
from tests.factories import make_institution, make_profile

HEADER = "name,registration_number,country,reason,source,listed_on\n"


def _upload(client, content: bytes, **kwargs):
    data = {"file": (io.BytesIO(content), "barred.csv")}
    return client.submit(
        "/officer/blacklist/import",
        data,
        form_url="/officer/blacklist/import",
        content_type="multipart/form-data",
        **kwargs,
    )


def _entries(db) -> list[str]:
    return list(db.session.scalars(sa.select(BlacklistEntry.name).order_by(BlacklistEntry.id)))


def test_officer_adds_an_entry_and_an_approved_provider_is_flagged_for_decision(officer, db):
    client, officer_user = officer
    provider = make_institution(
        legal_name="华亚知识产权注册服务中心有限公司", status=ApplicationStatus.APPROVED
    )
    db.session.commit()

    page = client.submit(
        "/officer/blacklist/new",
        {
            "name": "Huaya IP Registration Service Centre",
            "registration_number": "",
            "country": "HK",
            "reason": "Unlicensed trademark agency",
            "source": "CNIPA notice 2026-12",
            "listed_on": "2026-03-31",
        },
        follow_redirects=True,
    ).get_data(as_text=True)

    assert "The provider is on the blacklist." in page
    assert "1 approved provider matches the blacklist" in page
    hit = db.session.scalar(sa.select(ScreeningHit))
    assert (hit.target_type, hit.target_id, hit.status) == ("institution", provider.id, HitStatus.OPEN)
    db.session.expire_all()
    assert provider.status == ApplicationStatus.APPROVED  # an officer decides, not the fuzzy match
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "blacklist.create"))

    hits_page = client.get("/officer/screening-hits").get_data(as_text=True)
    assert "华亚知识产权注册服务中心有限公司" in hits_page
    client.submit(f"/officer/screening-hits/{hit.id}/suspend", {}, form_url="/officer/screening-hits")
    db.session.expire_all()
    assert provider.status == ApplicationStatus.SUSPENDED
    assert hit.status == HitStatus.SUSPENDED
    assert hit.decided_by_id == officer_user.id
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "institution.suspend"))


def test_dismissed_hit_does_not_come_back_on_the_next_change(officer, db):
    client, _officer = officer
    make_profile(full_name="Zhang Wei", status=ApplicationStatus.APPROVED)
    db.session.commit()
    form = {
        "name": "张伟",
        "country": "",
        "reason": "Fake agent",
        "source": "Court ruling",
        "listed_on": "2026-01-02",
    }
    client.submit("/officer/blacklist/new", form)
    hit = db.session.scalar(sa.select(ScreeningHit))
    client.submit(f"/officer/screening-hits/{hit.id}/dismiss", {}, form_url="/officer/screening-hits")
    client.submit("/officer/blacklist/new", form | {"name": "Unrelated Agency", "reason": "Other"})
    statuses = list(db.session.scalars(sa.select(ScreeningHit.status)))
    assert statuses == [HitStatus.DISMISSED]


def test_edit_and_remove_are_audited(officer, db):
    client, _officer = officer
    entry = BlacklistEntry(name="Old Name", reason="r", source="s", listed_on=date(2025, 5, 5))
    db.session.add(entry)
    db.session.commit()
    form = {
        "name": "New Name",
        "registration_number": "X1",
        "country": "",
        "reason": "r",
        "source": "s",
        "listed_on": "2025-05-05",
    }
    client.submit(f"/officer/blacklist/{entry.id}/edit", form)
    client.submit(f"/officer/blacklist/{entry.id}/delete", {}, form_url="/officer/blacklist")
    assert _entries(db) == []
    update = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "blacklist.update"))
    assert update.before["name"] == "Old Name"
    assert update.after["name"] == "New Name"
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "blacklist.delete"))


def test_csv_import_with_bom_adds_every_row_and_screens(officer, db):
    client, _officer = officer
    make_institution(
        legal_name="Cardew Thornbury LLP", registration_number="OC418273", status=ApplicationStatus.APPROVED
    )
    db.session.commit()
    content = (
        "\ufeff" + HEADER + "华亚知识产权注册服务中心,,CN,Unlicensed agency,CNIPA notice,2026-02-01\n"
        '"Fake & Co, Ltd",OC418273,GB,"Fraud, repeated",Court,2025-12-24\n'
    ).encode()
    page = _upload(client, content, follow_redirects=True).get_data(as_text=True)
    assert "2 entries imported, 0 already listed." in page
    assert _entries(db) == ["华亚知识产权注册服务中心", "Fake & Co, Ltd"]
    assert db.session.scalar(sa.select(ScreeningHit.matched_on)) == "registration_number"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "Good Agency,,CN,r,s,2026-01-01\nBad Agency,,CN,r,s,31/01/2026\n",
            "Line 3: “31/01/2026” is not a date",
        ),
        ("Good Agency,,CN,r,s,2026-01-01\n,,CN,r,s,2026-01-01\n", "Line 3: the column “name” is empty."),
        ("Good Agency,,XQZ,r,s,2026-01-01\n", "Line 2: “XQZ” is not a two-letter country code."),
        ("Good Agency,,CN,r,s\n", "Line 2: the row does not have 6 columns."),
        (
            "Good Agency,,CN,r,s,2026-01-01\nOther,,CN,r,s,2999-01-01\n",
            "Line 3: the listing date is in the future.",
        ),
    ],
)
def test_a_bad_row_stores_nothing_and_names_the_line(officer, db, rows, message):
    client, _officer = officer
    response = _upload(client, (HEADER + rows).encode())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Nothing was imported." in page
    assert _entries(db) == []
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "blacklist.import")) is None


def test_a_file_that_is_not_utf8_is_refused_with_its_line(officer, db):
    client, _officer = officer
    content = HEADER.encode() + "Société Générale IP,,FR,r,s,2026-01-01\n".encode("latin-1")
    response = _upload(client, content)
    assert response.status_code == 422
    assert "Line 2: the text is not UTF-8." in response.get_data(as_text=True)
    assert _entries(db) == []


def test_a_wrong_header_is_refused(officer, db):
    client, _officer = officer
    response = _upload(client, b"company,number\nX,1\n")
    assert "Line 1: the header must name the columns" in response.get_data(as_text=True)


def test_institutions_are_not_suspended_twice(officer, db):
    client, _officer = officer
    provider = make_institution(legal_name="Barred Agency", status=ApplicationStatus.APPROVED)
    db.session.commit()
    client.submit(
        "/officer/blacklist/new",
        {"name": "Barred Agency", "country": "", "reason": "r", "source": "s", "listed_on": "2026-01-01"},
    )
    hit = db.session.scalar(sa.select(ScreeningHit))
    client.submit(f"/officer/screening-hits/{hit.id}/suspend", {}, form_url="/officer/screening-hits")
    page = client.submit(
        f"/officer/screening-hits/{hit.id}/suspend",
        {},
        form_url="/officer/screening-hits",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Someone else changed this" in page
    assert db.session.get(Institution, provider.id).status == ApplicationStatus.SUSPENDED
