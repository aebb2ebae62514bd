"""The app factory and configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from config import INSECURE_SECRET_KEY, ProductionConfig, TestingConfig
from tests.conftest import app_overrides

ROOT = Path(__file__).resolve().parent.parent


def test_creating_app_runs_no_query(tmp_path):
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        create_app(TestingConfig, app_overrides(tmp_path))
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
    assert statements == []


def _run_python(code: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_creating_app_loads_no_model_and_no_torch(tmp_path):
    out = _run_python(
        "import sys, json; from app import create_app; create_app();"
        "heavy = ('torch', 'sentence_transformers', 'faiss');"
        "print(json.dumps(sorted(m for m in heavy if m in sys.modules)))",
        IPBRIDGE_INSTANCE_PATH=str(tmp_path),
    )
    assert json.loads(out) == []


def test_database_url_comes_from_environment(tmp_path):
    url = f"sqlite:///{tmp_path}/elsewhere.db"
    out = _run_python(
        "from app import create_app; print(create_app().config['SQLALCHEMY_DATABASE_URI'])",
        DATABASE_URL=url,
        IPBRIDGE_INSTANCE_PATH=str(tmp_path),
    )
    assert out.strip() == url


def test_database_defaults_to_sqlite_in_instance_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from app import create_app; print(create_app().config['SQLALCHEMY_DATABASE_URI'])",
        ],
        cwd=ROOT,
        env={**env, "IPBRIDGE_INSTANCE_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"sqlite:///{tmp_path / 'ipbridge.db'}"


@pytest.mark.parametrize("secret", [None, "", INSECURE_SECRET_KEY])
def test_production_refuses_missing_or_default_secret_key(tmp_path, secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, app_overrides(tmp_path, SECRET_KEY=secret))


def test_production_starts_with_real_secret_and_secure_cookies(tmp_path):
    app = create_app(ProductionConfig, app_overrides(tmp_path, SECRET_KEY="x" * 48))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["DEMO_MODE"] is False


def test_session_cookie_is_httponly_and_samesite(login_as):
    from app.workflow import Role

    client, _user = login_as(Role.OFFICER)
    cookie = client.client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
