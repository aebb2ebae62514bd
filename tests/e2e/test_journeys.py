"""The three journeys in a real browser.

Debian's Chromium is driven by Playwright, the app runs under gunicorn on loopback, mail goes
through a real SMTP server. Screenshots of each step go to ``IPBRIDGE_SCREENSHOTS`` (default
``screenshots/``), which `make test` prints.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.e2e,
    pytest.mark.skipif(
        not Path(os.environ.get("IPBRIDGE_CHROMIUM", "/usr/bin/chromium")).exists()
        and not os.environ.get("IPBRIDGE_REQUIRE_BROWSER"),
        reason="Debian's chromium is not installed (make test installs it as root; CI requires it)",
    ),
]
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("IPBRIDGE_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("IPBRIDGE_SCREENSHOTS", ROOT / "screenshots"))
PASSWORD = "brevets-grenoble-2026-euv"
EMAIL = "claire.dumas@cabinet-dumas.example"
SUMMARY = (
    "Ingénieure en microélectronique, je rédige depuis douze ans des brevets sur la lithographie EUV, "
    "la gravure plasma et les semi-conducteurs de puissance, et je conduis des oppositions devant "
    "l'Office européen des brevets pour des fabricants d'équipements."
)
NEED_TITLE = "招聘熟悉EUV光刻与半导体设备的欧洲专利代理人"
NEED_TEXT = (
    "园区半导体设备企业需要一位熟悉EUV光刻、等离子刻蚀和功率半导体的欧洲专利代理人，"
    "负责欧洲专利申请撰写和欧洲专利局异议程序，可远程合作。"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, _smtp_server):
    """The demo site under gunicorn (two workers), sending mail to the loopback SMTP server."""
    mailbox, smtp_port = _smtp_server
    instance = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "IPBRIDGE_INSTANCE_PATH": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'live.db'}",
        "SECRET_KEY": "browser-tests",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MATCHING_ENCODER": "use",
    }
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    process = subprocess.Popen(
        gunicorn, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    mailbox.messages.clear()
    yield base, mailbox, instance / "live.db"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


class Step:
    """Screenshots numbered in the order the journeys take them."""

    count = 0

    @classmethod
    def shot(cls, page, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        cls.count += 1
        page.screenshot(path=str(SHOTS / f"{cls.count:02d}-{name}.png"), full_page=True)


def _sign_in(browser, base: str, email: str, password: str):
    page = browser.new_context(locale="en-GB").new_page()
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form button[type=submit], form input[type=submit]")
    return page


def _query(database: Path, sql: str, *args):
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, args).fetchone()[0]


def _link(message) -> str:
    return re.search(r"https?://\S+", message.get_content()).group(0)


def test_journeys_from_application_to_approved_match(server, browser):
    base, mailbox, database = server

    # A French professional registers, confirms by mail, fills and submits her application.
    page = browser.new_context(locale="fr-FR").new_page()
    page.goto(f"{base}/register?lang=fr")
    page.check("input[name=applicant_kind][value=professional]")
    page.fill("#display_name", "Claire Dumas")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.select_option("#locale", "fr")
    page.check("#consent")
    Step.shot(page, "register-fr")
    page.click("form input[type=submit]")
    verification = mailbox.last_to(EMAIL)
    page.goto(_link(verification))
    Step.shot(page, "email-confirmed")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("form input[type=submit]")

    page.goto(f"{base}/me/profile/basics")
    page.fill("#full_name", "Claire Dumas")
    page.fill("#headline", "Conseil en propriété industrielle, semi-conducteurs et lithographie")
    page.fill("#summary", SUMMARY)
    page.select_option("#country", "FR")
    page.fill("#city", "Grenoble")
    page.fill("#phone", "+33 4 76 00 00 00")
    page.click("form input[type=submit]")
    page.check("input[name=professions][value=patent_attorney]")
    page.check("input[name=services][value=agency]")
    page.check("input[name=services][value=litigation_support]")
    page.check("input[name=fields][value=semiconductors]")
    page.fill("#years_experience", "12")
    page.click("form input[type=submit]")
    page.goto(f"{base}/me/profile/languages")
    page.select_option("#entries-0-code", "fr")
    page.select_option("#entries-0-level", "native")
    page.click("form input[type=submit]")
    page.check("input[name=engagement_types][value=consulting]")
    page.select_option("#availability", "within_3_months")
    page.click("form input[type=submit]")
    Step.shot(page, "application-complete")
    page.click("form[action$='/me/profile/submit'] button")
    Step.shot(page, "application-submitted")
    assert "Soumis" in page.inner_text(".status")
    profile_id = _query(database, "SELECT id FROM professional_profiles WHERE full_name = ?", "Claire Dumas")

    # An officer approves it.
    officer = _sign_in(browser, base, "officer@ipbridge.example", "demo-officer-2026")
    officer.goto(f"{base}/officer/applications/profile/{profile_id}?lang=en")
    officer.check("input[name=decision][value=approved]")
    officer.select_option("#reason", "meets_requirements")
    Step.shot(officer, "officer-review")
    officer.click(f"form[action$='/profile/{profile_id}/decide'] input[type=submit]")
    assert _query(database, "SELECT status FROM professional_profiles WHERE id = ?", profile_id) == "approved"

    # A recruiter writes a need in Chinese, finds her, shortlists and invites her.
    recruiter = _sign_in(browser, base, "recruiter@ipbridge.example", "demo-recruiter-2026")
    recruiter.goto(f"{base}/zone/needs/new?lang=zh_Hans")
    recruiter.select_option("#kind", "talent")
    recruiter.fill("#title", NEED_TITLE)
    recruiter.fill("#description", NEED_TEXT)
    recruiter.click("input[name=publish]")
    need_id = _query(database, "SELECT id FROM zone_needs WHERE title = ?", NEED_TITLE)
    recruiter.goto(f"{base}/zone/needs/{need_id}/candidates?lang=zh_Hans&country=FR")  # narrowed to France
    Step.shot(recruiter, "candidates-zh")
    candidate = f"form.shortlist:has(input[name=candidate_id][value='{profile_id}'])"
    assert recruiter.locator(candidate).count() == 1, "the French profile is on the first page of candidates"
    assert EMAIL not in recruiter.content()
    recruiter.click(f"{candidate} button")
    match_id = _query(database, "SELECT id FROM matches WHERE profile_id = ?", profile_id)
    recruiter.goto(f"{base}/zone/matches/{match_id}")
    recruiter.fill(
        "#message", "Bonjour, notre zone de Suzhou aimerait travailler avec vous sur des oppositions OEB."
    )
    recruiter.click(
        f"form[action$='/matches/{match_id}/invite'] input[type=submit], "
        f"form[action$='/matches/{match_id}/invite'] button"
    )
    Step.shot(recruiter, "invited")
    invitation = mailbox.last_to(EMAIL)
    assert invitation is not verification

    # She accepts from her inbox; the recruiter now sees her contact details.
    page.goto(f"{base}/me/invitations")
    page.fill("textarea[name=message]", "Avec plaisir.")
    page.click("button[name=accept]")
    Step.shot(page, "invitation-accepted")
    recruiter.goto(f"{base}/zone/matches/{match_id}")
    assert EMAIL in recruiter.content()

    # The officer approves the match.
    officer.goto(f"{base}/officer/matches/{match_id}?lang=en")
    officer.check("input[name=decision][value=approved]")
    officer.click(f"form[action$='/matches/{match_id}/decide'] input[type=submit]")
    Step.shot(officer, "match-approved")
    assert _query(database, "SELECT stage FROM matches WHERE id = ?", match_id) == "approved"


@pytest.mark.parametrize(("lang", "direction", "tag"), [("ar", "rtl", "ar"), ("zh_Hans", "ltr", "zh-Hans")])
def test_interface_switches_language_and_direction(server, browser, lang, direction, tag):
    base, _mailbox, _database = server
    page = browser.new_context().new_page()
    page.goto(f"{base}/")
    page.click("details.language-switcher summary")
    page.click(f"details.language-switcher a[hreflang='{tag}']")
    assert page.get_attribute("html", "dir") == direction
    assert page.get_attribute("html", "lang") == tag
    Step.shot(page, f"home-{lang}")
