"""The Alembic chain builds, removes and matches the schema of the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.conftest import app_overrides


@pytest.fixture
def file_app(tmp_path, databases):
    """An app on a new, empty database of the suite's kind (SQLite file or PostgreSQL)."""
    url = databases.create()
    app = create_app(TestingConfig, app_overrides(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    yield app
    with app.app_context():
        db.engine.dispose()


def _tables(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def _flask_db(app, *args: str):
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def test_upgrade_on_empty_database_builds_every_table(file_app):
    _flask_db(file_app, "upgrade")
    assert _tables(file_app) == set(db.metadata.tables)


def test_downgrade_base_removes_every_table(file_app):
    _flask_db(file_app, "upgrade")
    _flask_db(file_app, "downgrade", "base")
    assert _tables(file_app) == set()


def test_models_and_migrations_do_not_drift(file_app):
    _flask_db(file_app, "upgrade")
    _flask_db(file_app, "check")  # exits non-zero when the models hold changes no migration covers


def test_check_detects_a_model_change_no_migration_covers(file_app):
    _flask_db(file_app, "upgrade")
    with file_app.app_context():
        db.session.execute(sa.text("ALTER TABLE zones DROP COLUMN city"))
        db.session.commit()
    result = file_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code != 0
