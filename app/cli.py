"""Command-line interface: thin wrappers that call a service, commit and print the result."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.extensions import db
from matching.types import KINDS

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


matching_cli = AppGroup("matching", help="The semantic matcher: model, indexes, matches and search.")


@matching_cli.command("build-model")
def matching_build_model() -> None:
    """Build (or check) the configured embedding model in the instance folder and load it once."""
    import time

    from app.matches.engine import get_matcher

    started = time.perf_counter()
    encoder = get_matcher().encoder
    vector = encoder.encode(["patent attorney"], role="query")
    click.echo(f"{encoder.name}: {vector.shape[1]} dimensions, ready in {time.perf_counter() - started:.1f}s")


@matching_cli.command("rebuild-index")
@click.option("--kind", type=click.Choice(KINDS), multiple=True, help="Only these kinds (default: all).")
@click.option("--force", is_flag=True, help="Rebuild even indexes that are up to date.")
def matching_rebuild_index(kind: tuple[str, ...], force: bool) -> None:
    """Rebuild the indexes that are missing, stale or corrupt (all with --force), from the database.

    Only texts the embedding cache does not hold are encoded; a progress bar shows the rate.
    """
    import time

    from tqdm import tqdm

    from app.matches.engine import get_matcher, searchable_records

    matcher = get_matcher()
    for name in kind or KINDS:
        started = time.perf_counter()
        records = searchable_records(name)
        with tqdm(total=len(records), desc=name, unit="rec", disable=None) as bar:
            outcome = matcher.load(name, records, bar.update, rebuild=force)
        seconds = time.perf_counter() - started
        rate = len(records) / max(seconds, 1e-9)
        click.echo(f"{name}: {len(records)} records {outcome} in {seconds:.1f}s ({rate:.1f} records/s)")


@matching_cli.command("match")
@click.option("--need", "need_id", type=int, required=True, help="Id of the zone need.")
@click.option("--kind", type=click.Choice(KINDS[:3]), help="Candidate kind (default: the need's own).")
@click.option("-k", "--top", default=10, show_default=True)
def matching_match(need_id: int, kind: str | None, top: int) -> None:
    """Rank the candidates for a zone need and explain each."""
    from app.matches.documents import CANDIDATE_KINDS
    from app.matches.services import match_need
    from app.zones.models import ZoneNeed

    need = db.session.get(ZoneNeed, need_id)
    if need is None:
        raise click.ClickException(f"no zone need with id {need_id}")
    kind = kind or CANDIDATE_KINDS[need.kind][0]
    result = match_need(need, kind, k=top)
    click.echo(f"{need.title} → {result.total} {kind} candidates")
    for code, count in result.filtered_out.items():
        click.echo(f"  filtered out by {code}: {count}")
    _print_hits(result)


@matching_cli.command("search")
@click.argument("text")
@click.option("--kind", type=click.Choice(KINDS), default="professional", show_default=True)
@click.option("-k", "--top", default=10, show_default=True)
def matching_search(text: str, kind: str, top: int) -> None:
    """Search approved records of one kind with free text in any language."""
    from app.matches.services import search_text

    _print_hits(search_text(text, kind, k=top))


@matching_cli.command("export-corpus")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
def matching_export_corpus(out: str) -> None:
    """Write the searchable records as a BEIR-style corpus (for `python -m matching.eval`)."""
    import json
    from dataclasses import asdict

    from app.matches.engine import searchable_records

    count = 0
    with open(out, "w", encoding="utf-8") as handle:
        for kind in KINDS[:3]:
            for record in searchable_records(kind):
                attributes = {
                    key: sorted(value) if isinstance(value, frozenset) else value
                    for key, value in asdict(record.attributes).items()
                }
                row = {
                    "id": f"{kind}-{record.id}",
                    "kind": kind,
                    "lang": record.lang,
                    "text": record.text,
                    "body": record.body,
                    "attributes": attributes,
                }
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
    click.echo(f"wrote {count} documents to {out}")


def _print_hits(result) -> None:
    for rank, hit in enumerate(result.hits, 1):
        parts = " ".join(f"{name}={value:.2f}" for name, value in hit.components.items())
        click.echo(f"{rank:3d}. {hit.score:3d}  {hit.kind} #{hit.id}  [{parts}]")
        click.echo(f"      {', '.join(reason.code for reason in hit.reasons)}")
        if hit.best_sentence:
            click.echo(f"      “{hit.best_sentence}” ({hit.best_sentence_lang})")


translate_cli = AppGroup("translate", help="Interface translations (pybabel over i18n/).")
ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "i18n"
POT = I18N / "messages.pot"


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True)


def _extract() -> None:
    options = ["-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output", "--project", "IPBridge"]
    _pybabel("extract", *options, "-o", str(POT), "app")


@translate_cli.command("extract")
def translate_extract() -> None:
    """Collect every marked string of app/ into i18n/messages.pot."""
    _extract()


@translate_cli.command("update")
def translate_update() -> None:
    """Extract, then merge the new strings into every catalog."""
    _extract()
    _pybabel("update", "-i", str(POT), "-d", str(I18N), "--no-fuzzy-matching", "--ignore-obsolete")


@translate_cli.command("init")
@click.argument("locale")
def translate_init(locale: str) -> None:
    """Start the catalog of a new interface language."""
    _pybabel("init", "-i", str(POT), "-d", str(I18N), "-l", locale)


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogs (.mo files are build output, not committed)."""
    _pybabel("compile", "-d", str(I18N), "--statistics")


opportunities_cli = AppGroup("opportunities", help="Service-trade opportunities.")


@opportunities_cli.command("expire")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day to expire for (default: today, UTC)."
)
def opportunities_expire(today) -> None:
    """Move open opportunities whose deadline has passed to "expired" (run daily)."""
    from app.dbtypes import utcnow
    from app.opportunities.services import expire_overdue

    day = today.date() if today else utcnow().date()
    count = expire_overdue(day)
    db.session.commit()
    click.echo(f"Expired: {count} (open opportunities with a deadline before {day.isoformat()})")


def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(matching_cli)
    app.cli.add_command(opportunities_cli)
    app.cli.add_command(translate_cli)
