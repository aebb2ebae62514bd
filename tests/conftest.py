"""Fixtures shared by the whole suite: app, database, clients that sign in, and guards."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import socket
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db as _db
from config import TestingConfig

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def app_overrides(tmp_path, **extra) -> dict:
    """Config of a test app whose instance folder (models, indexes) lives in ``tmp_path``."""
    return {
        "INSTANCE_PATH": tmp_path,
        "MATCHING_INDEX_DIR": tmp_path / "index",
        "MATCHING_MODEL_DIR": tmp_path / "models",
        **extra,
    }


class Databases:
    """Fresh databases for tests that need one of their own, on the suite's database server.

    With ``TEST_DATABASE_URL`` pointing at PostgreSQL they are databases created on that server
    (copied from a template in one statement); otherwise SQLite files in a temporary folder.
    """

    def __init__(self, base_url: str, folder: Path) -> None:
        self.base = sa.engine.make_url(base_url)
        self.folder = folder
        self.created: list[str] = []

    @property
    def postgres(self) -> bool:
        return self.base.get_backend_name() == "postgresql"

    def _admin(self):
        return sa.create_engine(self.base.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def create(self, template: str | None = None) -> str:
        """The URL of a new database, empty or a copy of the ``template`` database."""
        name = f"ipbridge_test_{uuid.uuid4().hex[:12]}"
        if not self.postgres:
            path = self.folder / f"{name}.db"
            if template:
                shutil.copy(sa.engine.make_url(template).database, path)
            return f"sqlite:///{path}"
        copy = f' TEMPLATE "{sa.engine.make_url(template).database}"' if template else ""
        engine = self._admin()
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
        engine.dispose()
        self.created.append(name)
        return self.base.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        engine = self._admin()
        with engine.connect() as connection:
            for name in self.created:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    created = Databases(TestingConfig.SQLALCHEMY_DATABASE_URI, tmp_path_factory.mktemp("databases"))
    yield created
    created.drop_all()


@pytest.fixture(scope="session")
def _shared_app(tmp_path_factory):
    """One app and schema for the session; each test empties the tables after it."""
    app = create_app(TestingConfig, app_overrides(tmp_path_factory.mktemp("instance")))
    with app.app_context():
        _db.drop_all()  # a PostgreSQL test database may hold the tables of an interrupted run
        _db.create_all()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def app(_shared_app, tmp_path, monkeypatch):
    """The shared app for one test: its own index folder and matcher, empty tables afterwards."""
    monkeypatch.setitem(_shared_app.config, "MATCHING_INDEX_DIR", tmp_path / "index")
    with _shared_app.app_context():
        yield _shared_app
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())
    _shared_app.extensions.pop("ipbridge.matcher", None)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, databases):
    """A database with the demo data set loaded once; tests get copies (loading takes seconds)."""
    from app.demo.services import load_demo_data

    url = databases.create()
    app = create_app(
        TestingConfig, app_overrides(tmp_path_factory.mktemp("demo"), SQLALCHEMY_DATABASE_URI=url)
    )
    with app.app_context():
        _db.create_all()
        load_demo_data()
        _db.session.commit()
        _db.engine.dispose()
    return url


@contextmanager
def app_on_copy_of(template: str, databases: Databases, tmp_path, **overrides):
    """An app, inside its context, on a private copy of the ``template`` database."""
    url = databases.create(template)
    app = create_app(TestingConfig, app_overrides(tmp_path, SQLALCHEMY_DATABASE_URI=url, **overrides))
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def demo_app(tmp_path, demo_database, databases):
    """An app on a private copy of the demo database."""
    with app_on_copy_of(demo_database, databases, tmp_path) as app:
        yield app


class WebClient:
    """A test client that posts forms the way a browser does: with the page's CSRF token.

    Each request runs in an app context of its own, as in production: otherwise requests would
    share the test's ``g`` (and with it flask-babel's cached locale and the database session).
    """

    def __init__(self, app) -> None:
        self.app = app
        self.client = app.test_client()

    def get(self, url: str, **kwargs):
        with self.app.app_context():
            return self.client.get(url, **kwargs)

    def post(self, url: str, **kwargs):
        with self.app.app_context():
            return self.client.post(url, **kwargs)

    def csrf_token(self, url: str) -> str:
        page = self.get(url).get_data(as_text=True)
        match = CSRF_PATTERN.search(page)
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def submit(self, url: str, data: dict, *, form_url: str | None = None, **kwargs):
        """POST ``data`` to ``url`` with the token of the form page (``form_url``, default ``url``)."""
        token = self.csrf_token(form_url or url)
        return self.post(url, data={**data, "csrf_token": token}, **kwargs)

    def login(self, email: str, password: str):
        return self.submit("/login", {"email": email, "password": password}, follow_redirects=True)

    def logout(self):
        return self.submit("/logout", {}, form_url="/", follow_redirects=True)


@pytest.fixture
def web(app):
    return WebClient(app)


@pytest.fixture
def login_as(app):
    """Sign in a new user of ``role`` on a fresh client and return (client, user)."""
    from tests.factories import PASSWORD, make_user

    def sign_in(role, **user_fields):
        user = make_user(role=role, **user_fields)
        _db.session.commit()
        client = WebClient(app)
        response = client.login(user.email, PASSWORD)
        assert response.status_code == 200
        return client, user

    return sign_in


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Tests never reach beyond loopback (no model hub, no remote mail server)."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "::1", "localhost"}
            and not host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


class Mailbox:
    """Messages received by a real SMTP server on loopback."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"

    def last_to(self, address: str) -> email.message.EmailMessage:
        matching = [m for m in self.messages if m["To"] == address]
        assert matching, f"no mail to {address}; got {[m['To'] for m in self.messages]}"
        return matching[-1]

    def link_in(self, message) -> str:
        found = re.search(r"https?://[^/\s]+(/\S+)", message.get_content())
        assert found, message.get_content()
        return found.group(1)


@pytest.fixture(scope="session")
def _smtp_server():
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
def mailbox(app, _smtp_server, monkeypatch):
    """Mail of this test, sent by the app through the loopback SMTP server."""
    box, port = _smtp_server
    box.messages.clear()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    return box


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs():
    """The app reads compiled catalogs; compile any that are missing or older than their source."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in Path(__file__).resolve().parent.parent.glob("i18n/*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as source:
                catalog = read_po(source)
            with mo_path.open("wb") as target:
                write_mo(target, catalog)
