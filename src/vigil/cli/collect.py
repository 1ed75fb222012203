"""``vigil collect``: crawl monitored sites and feeds by their profiles, then analyse and link what came in."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from vigil.cli.common import get_settings, progress, stderr_console
from vigil.cli.process import announce_store, print_process_report, run_processing
from vigil.errors import InputError
from vigil.store import Store


def _print_summary(summary: dict[str, object]) -> None:
    documents = summary["documents"]
    assert isinstance(documents, dict)
    errors = summary["errors"]
    assert isinstance(errors, dict)
    resumed = " (continued an unfinished run)" if summary["resumed"] else ""
    print(
        f"{summary['profile']}: run {summary['run']}{resumed}: {summary['pages']} pages "
        f"({summary['unchanged_pages']} not modified), documents new {documents['new']}, "
        f"changed {documents['changed']}, unchanged {documents['unchanged']}; "
        f"forbidden by robots.txt {summary['robots_forbidden']}; errors {sum(errors.values())}",
        file=sys.stderr,
    )
    examples = summary["error_examples"]
    assert isinstance(examples, dict)
    for kind, count in errors.items():
        stderr_console.print(f"  {kind}: {count}", markup=False)
        for example in examples.get(kind, []):
            stderr_console.print(f"    {example}", markup=False)
    if summary["page_limit_reached"]:
        print("  stopped at the profile's max_pages", file=sys.stderr)


def collect(
    ctx: typer.Context,
    profile: Annotated[list[str] | None, typer.Option("--profile", "-p", help="Profile name (NAME.yaml in the profiles folder) or a path to a .yaml profile; repeatable.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Collect every profile in the profiles folder.")] = False,
    no_analyze: Annotated[bool, typer.Option("--no-analyze", help="Store what was collected without analysing and linking it.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per profile, then the processing summary, on stdout.")] = False,
) -> None:
    """Collect from monitored sites politely (robots.txt, one request at a time per host, delays, back-off).

    Every fetched page is kept as a WARC record in the evidence store; new and edited ads
    are stored as documents (an edit is a new version, the old one is kept), then analysed
    and linked. An unfinished run of a profile is continued. The exit status is 1 when any
    page failed.
    """
    from vigil.collect.crawl import collect_profile
    from vigil.collect.profiles import all_profiles, find_profile

    settings = get_settings(ctx)
    if every == bool(profile):
        raise InputError("name profiles with --profile NAME, or collect every profile with --all")
    folder = settings.resolved_collect_profiles_dir
    chosen = all_profiles(folder) if every else [find_profile(folder, name) for name in profile or []]
    announce_store(settings)
    failed = False
    with Store.open(settings) as store:
        summaries = []
        with progress() as bar:
            for site in chosen:
                task = bar.add_task(f"collect {site.name}", total=site.max_pages)

                def report(_step: str, done: int, _total: int | None, task: int = task) -> None:
                    bar.update(task, completed=done)  # type: ignore[arg-type]

                summary = collect_profile(store, settings, site, on_progress=report)
                summaries.append(summary.to_json())
                failed = failed or bool(summary.errors)
        for summary_json in summaries:
            if as_json:
                sys.stdout.write(json.dumps(summary_json, ensure_ascii=False) + "\n")
            _print_summary(summary_json)
        if not no_analyze:
            processed = run_processing(settings, store)
            if as_json:
                sys.stdout.write(json.dumps({"processing": processed.to_json()}, ensure_ascii=False) + "\n")
            print_process_report(processed)
            failed = failed or bool(processed.failed)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("collect")(collect)
