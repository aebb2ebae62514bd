"""Configuration classes, read from the environment (and a `.env` file when one exists).

Only the stdlib and python-dotenv are imported here, so the configuration can be read by tools
that do not load the app.
"""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")

INSECURE_SECRET_KEY = "dev-only-not-secret"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


class Config:
    """Defaults for development; every value can be overridden from the environment."""

    INSTANCE_PATH = Path(os.environ.get("IPBRIDGE_INSTANCE_PATH", BASE_DIR / "instance"))
    SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'ipbridge.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}  # noqa: RUF012 — Flask-SQLAlchemy copies it
    DEMO_MODE = _env_bool("IPBRIDGE_DEMO_MODE", True)

    # Sessions and cookies: HttpOnly always, Secure wherever HTTPS is used (production).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = _env_int("SESSION_LIFETIME_SECONDS", 8 * 3600)
    WTF_CSRF_TIME_LIMIT = 3600 * 4
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    PASSWORD_HASH_METHOD = "scrypt"

    # Interface languages (BCP-47-ish Babel identifiers); the first is the default.
    SUPPORTED_LOCALES = ("en", "zh_Hans", "zh_Hant", "fr", "es", "ru", "ar", "de", "ja", "ko", "pt")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "i18n")

    # Matching engine.
    MATCHING_ENCODER = os.environ.get("MATCHING_ENCODER", "use")
    MATCHING_MODEL_DIR = Path(os.environ.get("MATCHING_MODEL_DIR", INSTANCE_PATH / "models"))
    MATCHING_INDEX_DIR = Path(os.environ.get("MATCHING_INDEX_DIR", INSTANCE_PATH / "index"))
    MATCHING_HNSW_MIN_SIZE = _env_int("MATCHING_HNSW_MIN_SIZE", 200_000)
    MATCHING_WEIGHT_SEMANTIC = _env_float("MATCHING_WEIGHT_SEMANTIC", 0.6)
    MATCHING_WEIGHT_LEXICAL = _env_float("MATCHING_WEIGHT_LEXICAL", 0.0)
    MATCHING_WEIGHT_STRUCTURED = _env_float("MATCHING_WEIGHT_STRUCTURED", 0.3)
    MATCHING_MIN_SCORE = _env_int("MATCHING_MIN_SCORE", 0)

    # Mail: SMTP; in development without MAIL_SERVER the message is written to the log instead.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "IPBridge <no-reply@ipbridge.example>")


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast in tests only; still a salted hash
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    DEMO_MODE = True
    MATCHING_ENCODER = os.environ.get("MATCHING_ENCODER", "fake")
    MAIL_SERVER = ""


class ProductionConfig(Config):
    REQUIRE_SECRET_KEY = True
    DEMO_MODE = _env_bool("IPBRIDGE_DEMO_MODE", False)
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The configuration class named by ``IPBRIDGE_ENV`` (default: development)."""
    name = os.environ.get("IPBRIDGE_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"IPBRIDGE_ENV must be one of {sorted(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
