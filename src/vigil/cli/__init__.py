"""The ``vigil`` command line.

Each area of Vigil keeps its commands in its own module here, exposing
``register(app)``; :data:`COMMAND_MODULES` lists them. Data goes to stdout (or ``-o``),
messages and progress to stderr. A :class:`~vigil.errors.VigilError` ends the command
with a one-line message and the error's exit code, never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from vigil.cli.groups import audit_app, db_app, eval_app, train_app
from vigil.errors import VigilError
from vigil.log import configure_logging
from vigil.settings import load_settings

#: Modules under ``vigil.cli`` that add commands; each has ``register(app)``.
COMMAND_MODULES: tuple[str, ...] = ("foundation", "demo", "web", "analyze", "recognizers", "link", "trends", "safeguard", "scoring", "find", "process", "watch", "cases", "platforms", "reports", "collect", "partners")

app = typer.Typer(
    name="vigil",
    help=(
        "Vigil finds and reduces human-trafficking risk online: ingest ads and posts, "
        "extract multilingual indicators with evidence, link ads into networks, watch market "
        "trends, and serve the analyst app and the public safeguarding side."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option(help="Data directory (SQLite database, evidence). [env: VIGIL_DATA_DIR]")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option(help="Database URL; default SQLite in the data directory. [env: VIGIL_DATABASE_URL]")
    ] = None,
    log_level: Annotated[
        str | None, typer.Option(help="DEBUG, INFO, WARNING or ERROR. [env: VIGIL_LOG_LEVEL]")
    ] = None,
    log_format: Annotated[str | None, typer.Option(help="console or json. [env: VIGIL_LOG_FORMAT]")] = None,
) -> None:
    """Global options apply to every command and override the settings file and environment."""
    settings = load_settings(
        data_dir=data_dir, database_url=database_url, log_level=log_level, log_format=log_format
    )
    configure_logging(settings.log_level, settings.log_format)
    ctx.obj = settings


def _register_all() -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(eval_app, name="eval")
    app.add_typer(train_app, name="train")
    app.add_typer(audit_app, name="audit")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"vigil.cli.{name}")
        module.register(app)


_register_all()


def main() -> None:
    """Console-script entry point: run the app, turning Vigil errors into one-line messages."""
    try:
        app()
    except VigilError as exc:
        print(f"vigil: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
