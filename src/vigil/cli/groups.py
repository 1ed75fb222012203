"""Command groups shared by several command modules (``vigil eval ...``, ``vigil train ...``)."""

from __future__ import annotations

import typer

eval_app = typer.Typer(help="Measure Vigil's recognizers and models on labelled data.", no_args_is_help=True)
train_app = typer.Typer(help="Train the models Vigil ships, reproducibly.", no_args_is_help=True)
db_app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)
audit_app = typer.Typer(help="Inspect and verify the append-only audit log.", no_args_is_help=True)
