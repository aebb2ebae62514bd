"""The dashboard's numbers equal counts made here, independently; charts are server-side SVG."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.dbtypes import utcnow
from app.matches.models import Match
from app.profiles.models import Institution, ProfessionalProfile
from app.workflow import ApplicationStatus, MatchStage, NeedStatus
from app.zones.models import ZoneNeed
from tests.factories import make_institution, make_match, make_need, make_profile, make_zone

A = ApplicationStatus


@pytest.fixture
def platform(db):
    suzhou = make_zone(code="suzhou", names={"en": "Suzhou Industrial Park"})
    qianhai = make_zone(code="qianhai", names={"en": "Qianhai"})
    now = utcnow()
    for hours, country, languages, services in [
        (1, "FR", [{"code": "fr", "level": "native"}, {"code": "en", "level": "C1"}], ["agency"]),
        (5, "DE", [{"code": "de", "level": "native"}], ["agency", "consultation"]),
        (3, "FR", [{"code": "fr", "level": "native"}], ["transfer_licensing"]),
    ]:
        make_profile(
            status=A.APPROVED,
            country=country,
            languages=languages,
            services=services,
            submitted_at=now - timedelta(hours=hours + 10),
            reviewed_at=now - timedelta(hours=10),
        )
    make_profile(status=A.SUBMITTED, country="JP", submitted_at=now)
    make_profile(status=A.REJECTED, country="US")
    make_profile(status=A.DRAFT, country="US")
    make_institution(
        status=A.APPROVED, country="GB", languages=["en", "zh"], services=["agency"], target_zones=[suzhou]
    )
    make_institution(
        status=A.APPROVED,
        country="FR",
        languages=["fr"],
        services=["registration"],
        target_zones=[suzhou, qianhai],
    )
    make_institution(status=A.SUBMITTED, country="HK", registration_number="X-1")
    need = make_need(zone=suzhou, services=["agency", "consultation"])
    make_need(zone=qianhai, services=["agency"])
    make_need(zone=qianhai, status=NeedStatus.DRAFT)
    make_need(zone=suzhou, status=NeedStatus.CLOSED)
    for stage in MatchStage:
        make_match(need=need, stage=stage)
    db.session.commit()


def _table(page: str, table_id: str) -> dict[str, list[int]]:
    body = page.split(f'<table aria-labelledby="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for key, cells in re.findall(r'<tr data-key="([^"]+)">(.*?)</tr>', body, re.S):
        numbers = re.findall(r"<td>(\d+)</td>", cells)
        rows[key] = [int(n) for n in numbers]
    return rows


def test_dashboard_numbers_equal_independent_counts(officer, db, platform):
    client, _officer = officer
    page = client.get("/officer/dashboard").get_data(as_text=True)
    profiles = list(db.session.scalars(sa.select(ProfessionalProfile)))
    institutions = list(db.session.scalars(sa.select(Institution)))
    approved_p = [p for p in profiles if p.status == A.APPROVED]
    approved_i = [i for i in institutions if i.status == A.APPROVED]

    by_status = _table(page, "t-status")
    for status in A:
        p = sum(1 for x in profiles if x.status == status)
        i = sum(1 for x in institutions if x.status == status)
        assert by_status[status.value] == [p, i, p + i], status

    by_country = _table(page, "t-country")
    countries = Counter(p.country for p in approved_p), Counter(i.country for i in approved_i)
    assert by_country == {
        c: [countries[0][c], countries[1][c], countries[0][c] + countries[1][c]]
        for c in countries[0] | countries[1]
    }

    by_language = _table(page, "t-language")
    spoken = Counter(entry["code"] for p in approved_p for entry in p.languages)
    worked = Counter(code for i in approved_i for code in i.languages)
    assert by_language == {c: [spoken[c], worked[c], spoken[c] + worked[c]] for c in spoken | worked}

    by_service = _table(page, "t-service")
    open_needs = [n for n in db.session.scalars(sa.select(ZoneNeed)) if n.status == NeedStatus.OPEN]
    offered_p = Counter(s for p in approved_p for s in p.services)
    offered_i = Counter(s for i in approved_i for s in i.services)
    asked = Counter(s for n in open_needs for s in n.services)
    assert by_service == {s: [offered_p[s], offered_i[s], asked[s]] for s in offered_p | offered_i | asked}

    by_zone = _table(page, "t-zone")
    matches = list(db.session.scalars(sa.select(Match)))
    for code in ("suzhou", "qianhai"):
        zone_open = sum(1 for n in open_needs if n.zone.code == code)
        zone_approved = sum(1 for m in matches if m.need.zone.code == code and m.stage == MatchStage.APPROVED)
        zone_institutions = sum(1 for i in approved_i if code in {z.code for z in i.target_zones})
        assert by_zone[code] == [zone_open, zone_approved, zone_institutions]

    funnel = _table(page, "t-funnel")
    stages = [m.stage for m in matches]
    published = [n for n in db.session.scalars(sa.select(ZoneNeed)) if n.status != NeedStatus.DRAFT]
    reached_invitation = {"invited", "accepted", "declined", "approved", "rejected"}
    assert funnel == {
        "needs": [len(published)],
        "proposals": [len(stages)],
        "invitations": [sum(1 for s in stages if s in reached_invitation)],
        "accepted": [sum(1 for s in stages if s in {"accepted", "approved", "rejected"})],
        "approved": [sum(1 for s in stages if s == "approved")],
    }
    assert "3 hours" in page  # median of 1, 3 and 5 hours from submission to review


def test_charts_are_inline_svg_with_labels_and_mirror_for_rtl(officer, platform):
    client, _officer = officer
    page = client.get("/officer/dashboard").get_data(as_text=True)
    assert page.count("<svg") == 6
    assert "<script" not in page
    assert ">Approved<" in page
    assert ">France<" in page
    arabic = client.get("/officer/dashboard?lang=ar").get_data(as_text=True)
    assert 'direction="rtl"' in arabic
    assert "فرنسا" in arabic  # country names come from CLDR in the reader's language
