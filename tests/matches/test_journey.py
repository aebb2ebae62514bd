"""The recruiter's journey on the demo data with the real multilingual model (slow).

A Suzhou recruiter posts a need in Chinese; the candidates page ranks the fitting French-, English-
and Japanese-language demo profiles in its first ten; the recruiter shortlists and invites one, and
sees the contact details only once the candidate has accepted.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.demo.services import DEMO_ACCOUNTS
from app.extensions import db
from app.matches.models import Match
from app.profiles.models import ProfessionalProfile
from app.workflow import MATCH_WORKFLOW, MatchStage, Role
from app.zones.models import ZoneNeed
from config import Config
from tests.conftest import WebClient

pytestmark = pytest.mark.slow

NEED = {
    "kind": "talent",
    "title": "招聘具有欧洲或日本执业资格的半导体专利代理人",
    "description": (
        "园区集成电路企业正在布局欧洲和日本市场。岗位负责晶体管与存储器、图像传感器、硅光子、光刻与量测设备、"
        "先进封装与封装基板、氮化镓和碳化硅功率器件等发明的欧洲和日本专利申请撰写与审查答复，"
        "处理欧洲专利局异议和日本无效审判，并培训园区的年轻专利工程师。要求持有欧洲专利代理人或日本弁理士资格。"
        "可远程合作，定期来园区交流。"
    ),
    "lang": "auto",
    "services": ["agency", "litigation_support"],
    "fields": ["semiconductors"],
    "required_qualifications": ["european_patent_attorney", "jp_benrishi", "fr_cpi"],
    "min_experience": "0",
    "openings": "2",
    "publish": "Save and publish",
}
# Demo profile ids follow the data files (p001 = 1 …): semiconductor attorneys qualified in Europe or Japan.
FITTING = {
    53: "fr",  # p053 CPI et mandataire européen en microélectronique, Grenoble
    64: "en",  # p064 European patent attorney in Eindhoven – lithography, metrology and photonics
    18: "ja",  # p018 半導体分野28年の弁理士 — パッケージ基板・封止材・化合物半導体
    121: "ja",  # p121 弁理士｜イメージセンサ・パワー半導体
}
# Qualified too, but in biomedicine and fine chemistry: they must rank below every fitting profile.
UNFITTING = (46, 109)


@pytest.fixture
def real_demo(demo_app, monkeypatch):
    """The demo app with the production default encoder (USE) instead of the tests' fake one."""
    monkeypatch.setitem(demo_app.config, "MATCHING_ENCODER", Config.MATCHING_ENCODER)
    yield demo_app
    demo_app.extensions.pop("ipbridge.matcher", None)


@pytest.fixture
def recruiter_client(real_demo):
    account = next(a for a in DEMO_ACCOUNTS if a.role == Role.RECRUITER)
    client = WebClient(real_demo)
    assert client.login(account.email, account.password).status_code == 200
    return client


def _ranked_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="candidate_id" value="(\d+)"', page)]


def test_a_need_in_chinese_finds_french_english_and_japanese_profiles_and_reaches_one(
    recruiter_client, real_demo
):
    client = recruiter_client
    for profile_id, lang in FITTING.items():  # the data set is what this test believes it is
        assert db.session.get(ProfessionalProfile, profile_id).lang == lang

    client.submit("/zone/needs/new", NEED, follow_redirects=True)
    need = db.session.scalar(sa.select(ZoneNeed).where(ZoneNeed.title == NEED["title"]))
    assert (need.lang, need.status) == ("zh", "open")

    page = client.get(f"/zone/needs/{need.id}/candidates").get_data(as_text=True)
    top10 = _ranked_ids(page)
    assert len(top10) == 10
    assert set(FITTING) <= set(top10), top10
    assert {FITTING[i] for i in FITTING} == {"fr", "en", "ja"}
    worst_fitting = max(top10.index(i) for i in FITTING)
    assert all(i not in top10 or top10.index(i) > worst_fitting for i in UNFITTING), top10
    assert '<mark lang="fr">' in page
    assert '<mark lang="ja">' in page
    assert "Works in the technical fields asked for: Semiconductors and integrated circuits." in page
    assert "candidates filtered out by the requirement: a required qualification" in page

    french = db.session.get(ProfessionalProfile, 53)
    email, phone = french.user.email, french.phone
    client.submit(
        "/zone/shortlist",
        {"need_id": need.id, "kind": "professional", "candidate_id": 53},
        form_url=f"/zone/needs/{need.id}/candidates",
    )
    match = db.session.scalar(sa.select(Match).where(Match.need_id == need.id))
    client.submit(
        f"/zone/matches/{match.id}/invite",
        {"message": "Nous serions heureux d’échanger avec vous."},
        form_url=f"/zone/matches/{match.id}",
    )
    before = client.get(f"/zone/matches/{match.id}").get_data(as_text=True)
    assert email not in before
    assert phone not in before

    db.session.expire_all()
    match = db.session.get(Match, match.id)
    MATCH_WORKFLOW.apply(match, MatchStage.ACCEPTED, french.user)
    db.session.commit()
    after = client.get(f"/zone/matches/{match.id}").get_data(as_text=True)
    assert email in after
    assert phone in after
    exported = client.get(f"/zone/needs/{need.id}/shortlist.csv").data.decode("utf-8-sig")
    assert email in exported
