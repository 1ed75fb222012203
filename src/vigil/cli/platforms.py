"""``vigil platforms``: the platform risk map: registry, import and export, rank, and safety-defaults audit."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from vigil.cli.common import get_settings, open_output
from vigil.errors import InputError
from vigil.store import Store

platforms_app = typer.Typer(
    help="Map the platforms at risk of trafficking: registry with sources, rank with evidence, minors' safety audit.",
    no_args_is_help=True,
)

Format = Literal["yaml", "csv"]


def _read_text(path: Path) -> str:
    try:
        return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def _format_of(path: Path | None, given: str | None) -> Format:
    chosen = given or (path.suffix.lower().lstrip(".") if path is not None else "yaml")
    if chosen in {"yaml", "yml"}:
        return "yaml"
    if chosen == "csv":
        return "csv"
    raise InputError(f"unknown format {chosen!r}: use yaml or csv (--format)")


def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The platform's name, as documents write it.")],
    category: Annotated[str, typer.Option(help="OSCE category id (docs/platforms.md lists them).")],
    source: Annotated[str, typer.Option(help="Where these facts come from (required).")],
    domain: Annotated[list[str] | None, typer.Option(help="A web domain of the platform (repeatable).")] = None,
    url_pattern: Annotated[list[str] | None, typer.Option(help="A URL pattern like example.org/jobs/* (repeatable).")] = None,
    alias: Annotated[list[str] | None, typer.Option(help="Another name documents use (repeatable).")] = None,
    country: Annotated[list[str] | None, typer.Option(help="ISO 3166-1 alpha-2 country code (repeatable).")] = None,
    language: Annotated[list[str] | None, typer.Option(help="ISO 639-1 language code (repeatable).")] = None,
    operator: Annotated[str | None, typer.Option(help="Owner or operator, where public.")] = None,
    reporting: Annotated[bool | None, typer.Option("--reporting/--no-reporting", help="Has a reporting mechanism.")] = None,
    trafficking_option: Annotated[
        bool | None, typer.Option("--trafficking-option/--no-trafficking-option", help="Its reporting has a trafficking option.")
    ] = None,
    monitoring: Annotated[str, typer.Option(help="not_monitored, planned, monitored or paused.")] = "not_monitored",
    notes: Annotated[str | None, typer.Option(help="Notes.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the entry as JSON.")] = False,
) -> None:
    """Add a platform to the map, or update the one with this name."""
    from pydantic import ValidationError

    from vigil.platforms.catalogue import LocatedEntry, PlatformEntry, Problem, catalogue_error
    from vigil.platforms.registry import save_entries

    raw = {
        "name": name, "category": category, "source": source, "domains": domain or [], "url_patterns": url_pattern or [],
        "aliases": alias or [], "countries": country or [], "languages": language or [], "operator": operator,
        "reporting_mechanism": reporting, "reporting_trafficking_option": trafficking_option,
        "monitoring": monitoring, "notes": notes,
    }
    try:
        entry = PlatformEntry.model_validate(raw)
    except ValidationError as exc:
        problems = [Problem(None, ".".join(str(p) for p in e["loc"]), e["msg"].removeprefix("Value error, ")) for e in exc.errors()]
        raise catalogue_error(f"platform {name!r}", problems) from exc
    with Store.open(get_settings(ctx)) as store, store.session() as session:
        result = save_entries(session, [LocatedEntry(entry, 0)], f"platform {name!r}")
    if as_json:
        print(json.dumps(entry.to_record(), ensure_ascii=False))
    else:
        print(f"{'added' if result.added else 'updated'} {entry.name}", file=sys.stderr)


def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List the platforms on the map, by name."""
    from vigil.platforms.registry import list_platforms

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        rows = [(row.id, entry) for row, entry in list_platforms(session)]
    for platform_id, entry in rows:
        if as_json:
            print(json.dumps({"id": platform_id, **entry.to_record()}, ensure_ascii=False))
        else:
            print(f"{platform_id}\t{entry.name}\t{entry.category}\t{entry.monitoring}\t{', '.join(entry.domains)}")


def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Name, alias or id of the platform.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """One platform: every fact with its source, what Vigil observes on it, its rank and its latest audit."""
    from vigil.platforms.ranking import rank_platforms
    from vigil.platforms.registry import find_platform

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        row = find_platform(session, name)
        ranked = next(r for r in rank_platforms(session) if r.row.id == row.id)
        out = {
            **ranked.to_json(),
            "facts": [{"fact": k, "value": v, "source": ranked.entry.source_of(k)} for k, v in ranked.entry.facts().items()],
            "audit": None if ranked.audit is None else {
                "audited_at": ranked.audit.audited_at.isoformat(), "source": ranked.audit.source,
                "observed_on": ranked.audit.observed_on, "checks": ranked.audit.checks,
            },
        }
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    print(f"{row.name} (rank {out['rank']}, score {out['score']})")
    for fact in out["facts"]:
        print(f"  {fact['fact']}: {fact['value']}  [source: {fact['source']}]")
    for factor in out["factors"]:
        print(f"  {factor['label']}: +{factor['contribution']}  ({factor['evidence']})")


def import_(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(help="YAML or CSV catalogue ('-' for stdin).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="yaml or csv (default: from the file name).")] = None,
    seed: Annotated[bool, typer.Option("--seed", help="Import the seed catalogue shipped with Vigil.")] = False,
) -> None:
    """Add or update platforms from a catalogue; a file with any error is refused whole and nothing is stored."""
    from vigil.platforms.catalogue import parse_catalogue, seed_catalogue
    from vigil.platforms.registry import save_entries

    if seed == (path is not None):
        raise InputError("give a catalogue file or --seed")
    if path is not None:
        label = str(path)
        entries = parse_catalogue(_read_text(path), _format_of(path if str(path) != "-" else None, fmt), label)
    else:
        label, entries = "seed catalogue", seed_catalogue()
    with Store.open(get_settings(ctx)) as store, store.session() as session:
        result = save_entries(session, entries, label)
    print(json.dumps(result.to_json(), ensure_ascii=False))
    print(f"{label}: {len(result.added)} added, {len(result.updated)} updated", file=sys.stderr)


def export(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="yaml or csv (default: from -o, else yaml).")] = None,
) -> None:
    """Write the registry as a catalogue that ``vigil platforms import`` reads back."""
    from vigil.platforms.catalogue import to_csv, to_yaml
    from vigil.platforms.registry import list_platforms

    chosen = _format_of(output, fmt)
    with Store.open(get_settings(ctx)) as store, store.session() as session:
        entries = [entry for _, entry in list_platforms(session)]
    with open_output(output) as out:
        out.write(to_csv(entries) if chosen == "csv" else to_yaml(entries))


def rank(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per platform, rank order.")] = False,
    explain: Annotated[
        tuple[str, str] | None, typer.Option(help="Two platforms: say which figures put one above the other.")
    ] = None,
) -> None:
    """Rank the map: category prior, observed volume, indicator rate, high-risk leads, networks, alerts, safety gaps."""
    from vigil.platforms.ranking import compare, rank_platforms
    from vigil.platforms.registry import find_platform

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        ranked = rank_platforms(session)
        if explain is not None:
            ids = [find_platform(session, name).id for name in explain]
            a, b = (next(r for r in ranked if r.row.id == i) for i in ids)
            comparison = compare(a, b)
            print(json.dumps(comparison.to_json(), ensure_ascii=False) if as_json else comparison.summary())
            return
        rows = [r.to_json() for r in ranked]
    for row in rows:
        if as_json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            top = max(row["factors"], key=lambda f: f["contribution"])
            print(f"{row['rank']}\t{row['score']:.3f}\t{row['name']}\t{row['category']}\t"
                  f"{row['observed']['documents']} docs\tmost: {top['label']} ({top['evidence']})")


def audit(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="YAML file describing a minor account's default settings ('-' for stdin).")],
    platform: Annotated[str | None, typer.Option(help="Platform name (default: the file's 'platform:').")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    store_result: Annotated[bool, typer.Option("--store/--no-store", help="Keep the result against the platform.")] = True,
) -> None:
    """Check a platform's default settings for minors: pass, fail or unknown per check, with its requirement."""
    from vigil.platforms.audit import FAIL, audit_json, parse_settings, platform_name, run_checks, store_audit
    from vigil.platforms.registry import find_platform

    settings = parse_settings(_read_text(path), str(path))
    name = platform_name(settings, platform)
    results = run_checks(settings)
    if store_result:
        with Store.open(get_settings(ctx)) as store, store.session() as session:
            row = find_platform(session, name)
            name = row.name
            store_audit(session, row, settings, results)
    if as_json:
        print(json.dumps(audit_json(name, results), ensure_ascii=False))
    else:
        for result in results:
            print(f"{result.result.upper():8}{result.id}\t{result.reason}\n        requirement: {result.requirement}")
    failed = sum(1 for r in results if r.result == FAIL)
    print(f"{name}: {len(results) - failed} of {len(results)} checks did not fail ({failed} failed)", file=sys.stderr)


def register(app: typer.Typer) -> None:
    platforms_app.command("add")(add)
    platforms_app.command("list")(list_)
    platforms_app.command("show")(show)
    platforms_app.command("import")(import_)
    platforms_app.command("export")(export)
    platforms_app.command("rank")(rank)
    platforms_app.command("audit")(audit)
    app.add_typer(platforms_app, name="platforms")
