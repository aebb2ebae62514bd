"""The application factory: a list of ``register_*`` steps with no side effects.

Creating the app runs no query, loads no model and runs no migration; those happen on first use or
through the CLI (``flask db upgrade``, ``flask demo load``, ``flask matching ...``).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request

from config import INSECURE_SECRET_KEY, Config, config_from_env


def create_app(config_class: type[Config] | None = None, overrides: dict | None = None) -> Flask:
    config_class = config_class or config_from_env()
    overrides = overrides or {}
    app = Flask(__name__, instance_path=str(overrides.get("INSTANCE_PATH", config_class.INSTANCE_PATH)))
    app.config.from_object(config_class)
    app.config.update(overrides)
    check_secret_key(app)
    app.config["INSTANCE_PATH"].mkdir(parents=True, exist_ok=True)  # SQLite cannot create its folder

    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def check_secret_key(app: Flask) -> None:
    """Refuse to run in production with no secret key, or with the development one."""
    if app.config.get("REQUIRE_SECRET_KEY") and app.config.get("SECRET_KEY") in (
        None,
        "",
        INSECURE_SECRET_KEY,
    ):
        raise RuntimeError("SECRET_KEY must be set to a long random value in production")


def register_extensions(app: Flask) -> None:
    from app import auth, models  # noqa: F401 — registers the user loader and every model
    from app.extensions import babel, csrf, db, login_manager, migrate
    from app.locale import select_locale
    from app.matches import engine  # noqa: F401 — keeps loaded indexes in step with commits

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    csrf.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.accounts.views import bp as accounts_bp
    from app.applicants.views import bp as applicants_bp
    from app.institutions.views import bp as institutions_bp
    from app.main.views import bp as main_bp
    from app.matches.views import bp as matches_bp
    from app.opportunities.views import bp as opportunities_bp
    from app.profiles.views import bp as profiles_bp
    from app.supervision.admin_views import bp as admin_bp
    from app.supervision.views import bp as supervision_bp
    from app.zones.views import bp as zones_bp

    for blueprint in (
        main_bp,
        accounts_bp,
        profiles_bp,
        applicants_bp,
        institutions_bp,
        opportunities_bp,
        zones_bp,
        matches_bp,
        supervision_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)


def register_request_hooks(app: Flask) -> None:
    from app.audit.services import remote_addr_var

    @app.before_request
    def remember_remote_addr() -> None:
        remote_addr_var.set(request.remote_addr)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'"
        )
        return response


def register_template_helpers(app: Flask) -> None:
    from app import labels, locale

    app.jinja_env.globals.update(
        text_direction=locale.text_direction,
        current_locale=locale.current_locale,
        locale_name=locale.locale_name,
        supported_locales=locale.supported_locales,
        country_name=locale.country_name,
        language_name=locale.language_name,
        currency_name=locale.currency_name,
        label=labels.label,
        switch_locale_url=locale.switch_locale_url,
    )


def register_error_handlers(app: Flask) -> None:
    from app.errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)
