"""Automatic checks beside each application: blacklist across scripts, duplicates, qualifications, wording."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.dbtypes import utcnow
from app.profiles.models import Institution, Qualification
from app.supervision import checks
from app.supervision.models import BlacklistEntry
from app.workflow import ApplicationStatus
from tests.factories import make_institution, make_profile, make_user

SUBMITTED = ApplicationStatus.SUBMITTED
APPROVED = ApplicationStatus.APPROVED


def _entry(db, name: str, number: str | None = None) -> BlacklistEntry:
    entry = BlacklistEntry(
        name=name,
        registration_number=number,
        reason="Unlicensed agency",
        source="CNIPA notice",
        listed_on=date(2026, 3, 1),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def test_blacklisted_latin_name_catches_an_application_in_chinese(officer, db):
    client, _officer = officer
    _entry(db, "Huaya IP Registration Service Centre")
    application = make_institution(
        legal_name="华亚知识产权注册服务中心",
        registration_number="91440300MA5F",
        status=SUBMITTED,
        submitted_at=utcnow(),
    )
    db.session.commit()

    queue = client.get("/officer/queue").get_data(as_text=True)
    assert "High risk" in queue
    assert "resembles “Huaya IP Registration Service Centre” on the blacklist (100% alike)" in queue
    page = client.get(f"/officer/applications/institution/{application.id}").get_data(as_text=True)
    assert "“Huaya IP Registration Service Centre”" in page


def test_blacklisted_registration_number_is_caught_whatever_its_punctuation(db):
    _entry(db, "Some Other Name Ltd", "2384615")
    application = make_institution(
        legal_name="Hua Ya Limited", registration_number="CR No. 2384615", status=SUBMITTED
    )
    result = checks.run_checks(application)
    assert [(hit.on, hit.entry_name) for hit in result.blacklist] == [
        ("registration_number", "Some Other Name Ltd")
    ]
    assert result.severity == checks.Severity.HIGH


def test_screening_a_name_in_traditional_chinese_is_pure_and_fuzzy():
    entries = checks.prepare_entries([BlacklistEntry(id=7, name="Hua Ya IP Registration Service Center")])
    hits = checks.screen(["華亞知識產權註冊服務中心有限公司"], None, entries)
    assert [(hit.entry_id, hit.on) for hit in hits] == [(7, "name")]
    assert checks.screen(["Cardew Thornbury LLP"], None, entries) == []


def test_reapplication_with_the_same_registration_number_is_flagged_with_a_link(officer, db):
    client, _officer = officer
    first = make_institution(
        legal_name="Cardew Thornbury LLP", registration_number="OC418273", status=APPROVED
    )
    again = make_institution(
        legal_name="Cardew & Thornbury LLP",
        registration_number="OC 418273",
        description="A different text altogether about trademarks in Kazakhstan.",
        status=SUBMITTED,
        submitted_at=utcnow(),
    )
    db.session.commit()

    page = client.get(f"/officer/applications/institution/{again.id}").get_data(as_text=True)
    assert "Another application has the same registration number: “Cardew Thornbury LLP”." in page
    assert f'href="/officer/applications/institution/{first.id}"' in page
    queue = client.get("/officer/queue").get_data(as_text=True)
    assert f'href="/officer/applications/institution/{first.id}"' in queue


def test_copied_profile_text_is_flagged_as_a_near_duplicate(officer, db):
    client, _officer = officer
    text = {
        "headline": "Utility model drafting for Zhejiang toy exporters",
        "summary": "Twelve years drafting utility models and designs for plush toy makers in Yiwu.",
    }
    original = make_profile(full_name="Li Na", status=APPROVED, **text)
    make_profile(
        full_name="Oskar Nilsson", status=APPROVED, summary="Litigation of SEP portfolios in Munich courts."
    )
    copy = make_profile(full_name="Lina Lee", status=SUBMITTED, submitted_at=utcnow(), **text)
    db.session.commit()

    page = client.get(f"/officer/applications/profile/{copy.id}").get_data(as_text=True)
    assert "Another application has a nearly identical text (100%): “Li Na”." in page
    assert f'href="/officer/applications/profile/{original.id}"' in page
    assert "Oskar Nilsson" not in page


def test_near_duplicate_among_pending_applications_is_found_without_the_index(db):
    text = {
        "headline": "Seed patents",
        "summary": "Plant variety rights and seed licensing for Yangling cooperatives.",
    }
    first = make_profile(full_name="Wang Fang", status=ApplicationStatus.REJECTED, **text)
    second = make_profile(full_name="Fang Wang", status=SUBMITTED, **text)
    duplicates = checks.run_checks(second).duplicates
    assert [(d.id, d.reasons) for d in duplicates] == [(first.id, ("similar_text",))]


def test_same_email_domain_and_a_similar_name_across_scripts_is_a_duplicate(db):
    first = make_profile(
        user=make_user(email="zhang.wei@kingfield-ip.example"),
        full_name="Zhang Wei",
        status=APPROVED,
        summary="Chemical patents and FTO opinions for coatings.",
    )
    second = make_profile(
        user=make_user(email="wz@kingfield-ip.example"),
        full_name="张伟",
        status=SUBMITTED,
        summary="Semiconductor packaging patents, oppositions and invalidations before CNIPA.",
    )
    duplicates = checks.run_checks(second).duplicates
    assert [(d.id, d.reasons) for d in duplicates] == [(first.id, ("same_domain_and_name",))]


def test_free_mail_domain_alone_makes_no_duplicate(db):
    make_profile(
        user=make_user(email="zhangwei@gmail.com"),
        full_name="Zhang Wei",
        status=APPROVED,
        summary="Chemistry.",
    )
    second = make_profile(
        user=make_user(email="zw1988@gmail.com"),
        full_name="Zhang Wei",
        status=SUBMITTED,
        summary="Semiconductors.",
    )
    assert checks.run_checks(second).duplicates == []


def test_qualification_number_in_the_wrong_format_is_flagged(db):
    profile = make_profile(status=SUBMITTED)
    db.session.add_all(
        [
            Qualification(profile=profile, type="cn_patent_attorney", jurisdiction="CN", number="12345"),
            Qualification(
                profile=profile, type="european_patent_attorney", jurisdiction="EP", number="58213"
            ),
        ]
    )
    db.session.flush()
    result = checks.run_checks(profile)
    assert [q.number_ok for q in result.qualifications] == [False, True]
    messages = [flag.message for flag in result.flags]
    assert any("The number 12345 does not have the format of" in m and "3201920123" in m for m in messages)


def test_agency_without_any_agent_qualification_is_flagged(db):
    profile = make_profile(status=SUBMITTED, services=["agency"], professions=["patent_attorney"])
    assert "agency_without_qualification" in [flag.code for flag in checks.run_checks(profile).flags]


def test_wording_of_irregular_agency_services_is_flagged():
    text = "Fast turnaround and high approval rates; we handle subsidy applications. 包过！"
    assert checks.irregular_phrases(text) == ["high approval rate", "subsidy", "包过"]
    assert checks.irregular_phrases("EPO oppositions and appeals for biotech start-ups.") == []


def test_demo_reapplication_and_suspicious_agency_are_flagged(demo_app):
    from app.extensions import db

    cardew = db.session.get(Institution, 37)
    result = checks.run_checks(cardew)
    assert cardew.legal_name == "Cardew & Thornbury LLP"
    original = next(d for d in result.duplicates if d.id == 5)
    assert "same_registration_number" in original.reasons
    assert original.name == "Cardew Thornbury LLP"

    huaya = db.session.get(Institution, 38)
    codes = [flag.code for flag in checks.run_checks(huaya).flags]
    assert "irregular_wording" in codes


def test_demo_blacklist_entry_in_latin_catches_the_chinese_name(demo_app):
    from app.extensions import db

    db.session.add(
        BlacklistEntry(
            name="Huaya IP Registration Service Centre", reason="x", source="y", listed_on=date(2026, 1, 5)
        )
    )
    db.session.flush()
    huaya = db.session.scalar(sa.select(Institution).where(Institution.id == 38))
    hits = checks.run_checks(huaya).blacklist
    assert hits
    assert hits[0].entry_name == "Huaya IP Registration Service Centre"
