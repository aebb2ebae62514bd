"""Command-line interface: thin wrappers that call a service, commit and print the result."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.extensions import db

demo_cli = AppGroup("demo", help="The shipped demo data set.")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo zones, people, institutions, opportunities, needs and accounts (idempotent)."""
    from app.demo.services import DEMO_ACCOUNTS, load_demo_data

    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("demo data is only loaded in demo mode (IPBRIDGE_DEMO_MODE=1)")
    report = load_demo_data()
    db.session.commit()
    if not report.total:
        click.echo("Demo data already loaded; nothing changed.")
        return
    for kind, count in report.created.items():
        click.echo(f"created {count:4d} {kind}")
    click.echo("Demo accounts:")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role:<10} {account.email:<32} {account.password}")


def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
