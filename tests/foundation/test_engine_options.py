"""The batch engine's command-line options are defined once (vigil.cli.common) and used by every command.

``--scheduler``, ``--workers`` and ``--partition-size`` mean the same in ``vigil process``,
``ingest``, ``link``, ``trends`` and ``analyze``; a command that kept its own copy would
drift. ``--engine`` says per command what its Dask run does, from one factory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, get_type_hints

import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.cli.analyze import analyze
from vigil.cli.common import EngineOption, PartitionSizeOption, SchedulerOption, WorkersOption
from vigil.cli.foundation import ingest
from vigil.cli.link import link
from vigil.cli.process import process
from vigil.cli.trends import trends

ENGINE = {"engine": EngineOption, "scheduler": SchedulerOption, "workers": WorkersOption}


@pytest.mark.parametrize(
    ("command", "shared"),
    [
        (process, ENGINE),
        (ingest, ENGINE),
        (trends, {**ENGINE, "partition_size": PartitionSizeOption}),
        (link, {"scheduler": SchedulerOption, "workers": WorkersOption, "partition_size": PartitionSizeOption}),
        (analyze, {"partition_size": PartitionSizeOption}),
    ],
)
def test_commands_use_the_shared_options(command: Callable[..., Any], shared: dict[str, Any]) -> None:
    hints = get_type_hints(command, include_extras=True)
    for name, option in shared.items():
        assert hints[name] == option, f"{command.__name__} --{name.replace('_', '-')} is its own copy"


@pytest.mark.parametrize(
    ("command", "own"),
    [
        (link, ["engine"]),  # its Dask run links, and says so
        (analyze, ["engine", "workers"]),  # --workers 1 analyses in this process
    ],
)
def test_options_that_say_something_of_their_own(command: Callable[..., Any], own: list[str]) -> None:
    hints = get_type_hints(command, include_extras=True)
    for name in own:
        assert hints[name] != {"engine": EngineOption, "workers": WorkersOption}[name]


def _help(command: str) -> str:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "400", "NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    return re.sub(r"[\s│]+", " ", result.output)


SCHEDULER = "without one a LocalCluster of --workers starts"
WORKERS = "Worker processes; 0 one per core"
PARTITIONS = "Documents per partition sent to a worker"


@pytest.mark.parametrize(
    ("command", "expected", "absent"),
    [
        ("process", ["the analysis partitions run on a Dask cluster", SCHEDULER, WORKERS], [PARTITIONS]),
        ("ingest", ["the analysis partitions run on a Dask cluster", SCHEDULER, WORKERS], [PARTITIONS]),
        ("trends", ["the analysis partitions run on a Dask cluster", SCHEDULER, WORKERS, PARTITIONS], []),
        ("link", ["linking spread over a Dask cluster; --clusters and --store prepare on Dask and link here",
                  SCHEDULER, WORKERS, PARTITIONS], ["the analysis partitions run"]),
        ("analyze", ["distributed: VIGIL_DASK_SCHEDULER or a local cluster", PARTITIONS, "1 analyses in this process"],
         [SCHEDULER]),
    ],
)
def test_help_says_what_each_engine_option_does(command: str, expected: list[str], absent: list[str]) -> None:
    text = _help(command)
    for phrase in expected:
        assert phrase in text, phrase
    for phrase in absent:
        assert phrase not in text, phrase
