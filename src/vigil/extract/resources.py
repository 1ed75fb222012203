"""Loading the data files shipped under ``vigil/extract/data`` (word lists are data, not code)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from vigil.errors import ConfigError

DATA_PACKAGE = "vigil.extract"
DATA_DIR = "data"


def read_data_text(name: str) -> str:
    """The text of one shipped data file, e.g. ``read_data_text("gazetteer.tsv")``."""
    try:
        return resources.files(DATA_PACKAGE).joinpath(DATA_DIR).joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise ConfigError(f"missing extraction data file {name!r}") from exc


@cache
def load_yaml(name: str) -> Any:
    """Parse one shipped YAML data file; parsed once per process (the files are read-only)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(read_data_text(name), Loader=loader)  # noqa: S506  (safe loader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"extraction data file {name!r} is not valid YAML: {exc}") from exc
