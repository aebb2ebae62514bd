"""The shipped demo data set and `flask demo load`."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.accounts.models import User
from app.demo.services import DEMO_ACCOUNTS, load_demo_data, read_data
from app.extensions import db
from app.models import Institution, Opportunity, ProfessionalProfile, Zone, ZoneNeed
from tests.conftest import WebClient

MODELS = [Zone, ProfessionalProfile, Institution, Opportunity, ZoneNeed, User]


def _counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in MODELS}


def test_demo_data_has_the_promised_size(demo_app):
    counts = _counts()
    assert counts["Zone"] >= 8
    assert counts["ProfessionalProfile"] >= 150
    assert counts["Institution"] >= 40
    assert counts["Opportunity"] >= 40
    assert counts["ZoneNeed"] >= 30


def test_zones_span_several_regions_and_clusters(demo_app):
    zones = db.session.scalars(sa.select(Zone)).all()
    assert len({zone.region for zone in zones}) >= 6
    assert len({cluster for zone in zones for cluster in zone.clusters}) >= 8


def test_free_text_is_written_in_at_least_eight_languages(demo_app):
    languages = Counter(p.lang for p in db.session.scalars(sa.select(ProfessionalProfile)))
    assert {"zh", "en", "fr", "de", "es", "ja", "ru", "ar", "ko"} <= set(languages)
    assert all(count >= 3 for count in languages.values())


def test_profiles_are_distinct_people_not_clones(demo_app):
    profiles = db.session.scalars(sa.select(ProfessionalProfile)).all()
    summaries = [p.summary for p in profiles]
    assert len(set(summaries)) == len(summaries)
    assert len({p.headline for p in profiles}) == len(profiles)
    assert not any("lorem" in s.lower() for s in summaries)
    assert len({p.years_experience for p in profiles}) >= 15
    assert len({p.country for p in profiles}) >= 15


def test_loading_twice_changes_nothing(demo_app):
    before = _counts()
    report = load_demo_data()
    db.session.commit()
    assert report.total == 0
    assert _counts() == before


def test_cli_reports_what_it_loaded(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "created  150 professionals" in result.output
    again = app.test_cli_runner().invoke(args=["demo", "load"])
    assert "nothing changed" in again.output


def test_every_demo_file_record_was_loaded(demo_app):
    assert _counts()["ProfessionalProfile"] == len(read_data("professionals"))
    assert _counts()["ZoneNeed"] == len(read_data("needs"))


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: str(a.role))
def test_each_demo_account_signs_in_and_sees_its_navigation(demo_app, account):
    home_link = {
        "applicant": 'href="/me/"',
        "recruiter": 'href="/zone/needs"',
        "officer": 'href="/officer/queue"',
        "admin": 'href="/admin/users"',
    }[account.role]
    client = WebClient(demo_app)
    client.login(account.email, account.password)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Sign out" in page
    assert home_link in page


def test_demo_applicant_owns_a_full_profile(demo_app):
    account = DEMO_ACCOUNTS[0]
    client = WebClient(demo_app)
    client.login(account.email, account.password)
    page = client.get("/me/?lang=en").get_data(as_text=True)
    assert "Marie Lefèvre" in page
    assert "Approved" in page


def test_demo_recruiter_sees_the_needs_of_their_zone(demo_app):
    account = next(a for a in DEMO_ACCOUNTS if a.role == "recruiter")
    client = WebClient(demo_app)
    client.login(account.email, account.password)
    page = client.get("/zone/needs").get_data(as_text=True)
    zone = db.session.scalar(sa.select(Zone).where(Zone.code == account.zone_code))
    own_titles = [n.title for n in zone.needs]
    other_titles = db.session.scalars(sa.select(ZoneNeed.title).where(ZoneNeed.zone_id != zone.id)).all()
    assert own_titles
    assert all(str(escape(title)) in page for title in own_titles[:20])
    assert not any(str(escape(title)) in page for title in other_titles)
