"""Interface translations: extraction config, catalogs complete and current, pages fully marked."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from babel.util import pathmatch
from flask import url_for

from app.accounts.models import User
from app.extensions import db
from app.matches.models import Match
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile
from app.supervision.models import BlacklistEntry
from app.workflow import ApplicationStatus, MatchStage, OpportunityStatus
from config import Config
from tests.conftest import WebClient, app_on_copy_of
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "i18n"
TRANSLATED_LOCALES = [locale for locale in Config.SUPPORTED_LOCALES if locale != Config.BABEL_DEFAULT_LOCALE]


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _msgids(catalog) -> set:
    return {message.id for message in catalog if message.id}


def test_extraction_map_matches_existing_files():
    sections = re.findall(r"^\[(\w+): ([^\]]+)\]", (ROOT / "babel.cfg").read_text(), re.MULTILINE)
    files = [
        path.relative_to(ROOT / "app").as_posix() for path in (ROOT / "app").rglob("*") if path.is_file()
    ]
    assert sections
    for _method, pattern in sections:
        assert any(pathmatch(pattern, name) for name in files), f"babel.cfg pattern {pattern} matches no file"


def test_template_is_current(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "--no-location",
            "-o",
            str(fresh),
            "app",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    missing = _msgids(_read(fresh)) - _msgids(_read(I18N / "messages.pot"))
    assert not missing, f"run `flask translate update`: {sorted(map(str, missing))[:10]}"


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_catalog_is_complete_without_fuzzy_entries(locale):
    catalog = _read(I18N / locale / "LC_MESSAGES" / "messages.po")
    template = _read(I18N / "messages.pot")
    assert _msgids(catalog) >= _msgids(template)
    untranslated = [m.id for m in catalog if m.id and not (all(m.string) if m.pluralizable else m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_translations_keep_their_placeholders(locale):
    catalog = _read(I18N / locale / "LC_MESSAGES" / "messages.po")
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check() if errors]
    assert problems == []


# --- every page, every role, under a pseudo-locale whose every translation is marked ---------------

PSEUDO = "eo"  # a locale Babel knows and IPBridge does not offer: free for the marked catalog
MARK_OPEN, MARK_CLOSE = "⟦", "⟧"
# Elements whose text is interface chrome, never user content: all of it must come from a catalog.
CHROME = {"h1", "label", "button", "th", "legend", "summary", "dt"}


@pytest.fixture(scope="session")
def pseudo_translations(tmp_path_factory):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    template = _read(I18N / "messages.pot")
    catalog = Catalog(locale=PSEUDO)
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        marked = tuple(f"{MARK_OPEN}{text}{MARK_CLOSE}" for text in ids)
        catalog.add(message.id, marked if message.pluralizable else marked[0], flags=message.flags)
    folder = tmp_path_factory.mktemp("pseudo")
    (folder / PSEUDO / "LC_MESSAGES").mkdir(parents=True)
    with (folder / PSEUDO / "LC_MESSAGES" / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    return folder


class ChromeText(HTMLParser):
    """Collects the text of interface elements.

    Skipped: user content (marked with ``lang=``), names (``translate="no"``), and the options of
    choice lists (``li``, ``option``), whose titles come from the taxonomies or are data such as zone
    names; the completeness test covers the taxonomy titles.
    """

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "input", "img", "meta", "link", "hr"}:
            return
        user_content = tag != "html" and any(
            name == "lang" or (name == "translate" and value == "no") for name, value in attrs
        )
        self.stack.append((tag, user_content))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        text = data.strip()
        tags = {tag for tag, _user in self.stack}
        if not text or any(user for _tag, user in self.stack) or tags & {"option", "textarea", "li"}:
            return
        in_nav_link = "nav" in tags and "a" in tags
        if tags & CHROME or in_nav_link:
            self.texts.append((self.stack[-1][0] if self.stack else "", text))


def _unmarked(html: str) -> list[tuple[str, str]]:
    parser = ChromeText()
    parser.feed(html)
    return [
        (tag, text) for tag, text in parser.texts if MARK_OPEN not in text and any(c.isalpha() for c in text)
    ]


NOT_HTML = {"static", "main.healthz", "applicants.export", "matches.export", "supervision.audit_export"}
NEEDS_A_MAILED_TOKEN = {"accounts.verify", "institutions.join", "institutions.welcome"}  # redirects
REDIRECT_ONLY = {"main.switch_language"}


@pytest.fixture
def pseudo_app(tmp_path, demo_database, databases, pseudo_translations):
    overrides = {
        "BABEL_TRANSLATION_DIRECTORIES": str(pseudo_translations),
        "SUPPORTED_LOCALES": (*Config.SUPPORTED_LOCALES, PSEUDO),
    }
    with app_on_copy_of(demo_database, databases, tmp_path, **overrides) as app:
        yield app


def _page_arguments(app) -> dict:
    """An object of the demo data (plus a few made here) for every URL argument, seen by its owner."""
    from app.accounts.services import make_reset_token
    from app.demo.services import DEMO_ACCOUNTS
    from app.institutions.services import SECTION_KEYS as INSTITUTION_SECTIONS
    from app.profiles.services import SECTION_KEYS

    recruiter = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[1].email))
    applicant = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[0].email))
    need = recruiter.zone.needs[0]
    candidate = db.session.scalar(
        sa.select(ProfessionalProfile).where(
            ProfessionalProfile.status == ApplicationStatus.APPROVED,
            ProfessionalProfile.user_id != applicant.id,
        )
    )
    submitted = db.session.scalar(
        sa.select(ProfessionalProfile).where(ProfessionalProfile.status == ApplicationStatus.SUBMITTED)
    )
    match = Match(need=need, profile=candidate, stage=MatchStage.ACCEPTED, score=80.0)
    db.session.add(match)
    opportunity = Opportunity(
        profile=applicant.profile,
        direction="offer",
        service="agency",
        title="PCT",
        description="PCT national phase entries.",
        lang="en",
        deadline=date(2030, 1, 1),
        status=OpportunityStatus.DRAFT,
    )
    entry = BlacklistEntry(
        name="Example Agency", reason="Unlicensed agency", source="CNIPA", listed_on=date(2026, 1, 1)
    )
    representative = db.session.scalar(
        sa.select(Institution).where(Institution.status == ApplicationStatus.APPROVED)
    ).representatives[0]
    representative.set_password(PASSWORD)
    db.session.add_all([match, opportunity, entry])
    db.session.commit()
    return {
        "need_id": [need.id],
        "match_id": [match.id],
        "user_id": [recruiter.id],
        "zone_id": [need.zone_id],
        "entry_id": [entry.id],
        "opportunity_id": [opportunity.id],
        "target": ["profile"],
        "application_id": [submitted.id],
        "token": [make_reset_token(applicant)],
        "section": {"profiles": list(SECTION_KEYS), "institutions": list(INSTITUTION_SECTIONS)},
        "representative": representative.email,
    }


def _client_for(app, role, blueprint, clients, arguments):
    from app.demo.services import DEMO_ACCOUNTS

    key = "representative" if blueprint == "institutions" else role
    if key not in clients:
        client = WebClient(app)
        if key == "representative":
            client.login(arguments["representative"], PASSWORD)
        elif key is not None:
            account = next(a for a in DEMO_ACCOUNTS if a.role == role)
            client.login(account.email, account.password)
        clients[key] = client
    return clients[key]


def _urls(rule, arguments):
    blueprint = rule.endpoint.split(".")[0]
    values = []
    for name in sorted(rule.arguments):
        options = arguments[name]
        values.append(options[blueprint] if isinstance(options, dict) else options)
    for combination in itertools.product(*values):
        yield url_for(rule.endpoint, **dict(zip(sorted(rule.arguments), combination, strict=True)))


def test_every_page_of_every_role_is_fully_translated(pseudo_app):
    arguments = _page_arguments(pseudo_app)
    clients: dict = {}
    problems = []
    visited = 0
    for rule in pseudo_app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_HTML | NEEDS_A_MAILED_TOKEN | REDIRECT_ONLY:
            continue
        roles = getattr(pseudo_app.view_functions[rule.endpoint], "allowed_roles", None)
        role = None if roles is None else sorted(roles)[0]
        client = _client_for(pseudo_app, role, rule.endpoint.split(".")[0], clients, arguments)
        with pseudo_app.test_request_context():
            urls = list(_urls(rule, arguments))
        for url in urls:
            response = client.get(f"{url}{'&' if '?' in url else '?'}lang={PSEUDO}", follow_redirects=True)
            visited += 1
            if response.status_code != 200:
                problems.append((url, response.status_code))
                continue
            problems += [(url, tag, text) for tag, text in _unmarked(response.get_data(as_text=True))]
    assert visited >= 45
    assert problems == []


def _translation(locale: str, text: str) -> str:
    catalog = _read(I18N / locale / "LC_MESSAGES" / "messages.po")
    return catalog[text].string


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/privacy"])
def test_lang_parameter_shows_any_page_in_chinese(web, path):
    page = web.get(f"{path}?lang=zh_Hans").get_data(as_text=True)
    assert '<html lang="zh-Hans"' in page
    assert _translation("zh_Hans", "Sign in") in page
    assert ">Sign in<" not in page


@pytest.mark.parametrize("locale", ["ar"])
def test_arabic_pages_are_right_to_left_and_translated(web, locale):
    page = web.get(f"/?lang={locale}").get_data(as_text=True)
    assert f'<html lang="{locale}" dir="rtl"' in page
    assert _translation(locale, "Zones") in page


def test_mail_goes_out_in_the_recipients_language(web, db, mailbox):
    password = "brevet-lyon-2026-opposition"
    web.submit(
        "/register",
        {
            "applicant_kind": "professional",
            "display_name": "李华",
            "email": "li@firm.example",
            "password": password,
            "confirm": password,
            "locale": "zh_Hans",
            "consent": "y",
        },
    )
    subject = mailbox.last_to("li@firm.example")["Subject"]
    assert subject == _translation("zh_Hans", "Confirm your email address for IPBridge")
