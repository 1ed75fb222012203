"""Registry entries as files: the entry schema, and YAML and CSV reading and writing.

An entry names a platform, its OSCE category and what is known about it; every fact carries
its source (``sources`` names a source per fact, ``source`` covers the rest and is required).
Reading validates every entry and reports each problem with its line and field; a file with
any problem is refused whole, so an import never stores half a file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from vigil.errors import InputError
from vigil.platforms.categories import load_categories

#: Monitoring status of a platform: Vigil's own state, not a fact about the service.
MONITORING: Final = ("not_monitored", "planned", "monitored", "paused")
#: Facts an entry may hold, each of which may name its own source.
FACTS: Final = (
    "name", "category", "aliases", "domains", "url_patterns", "countries", "languages", "operator",
    "reporting_mechanism", "reporting_trafficking_option", "monitoring", "notes",
)
LIST_FACTS: Final = ("aliases", "domains", "url_patterns", "countries", "languages")
BOOL_FACTS: Final = ("reporting_mechanism", "reporting_trafficking_option")
#: Separator of list values in one CSV cell.
CSV_LIST_SEPARATOR: Final = ";"
#: CSV columns: the facts, the entry's source, then one source column per fact.
CSV_COLUMNS: Final = (*FACTS, "source", *(f"source_{name}" for name in FACTS))
#: Problems listed in one error message; the rest are counted.
PROBLEMS_SHOWN: Final = 20

_DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
_PATTERN = re.compile(r"^[a-z0-9.*-]+(/[^\s]*)?$")
Text = Annotated[str, Field(min_length=1, max_length=2000)]


def normalize_domain(value: str) -> str:
    """``https://WWW.Example.org/`` and ``example.org`` are one domain: lower case, no scheme, path or ``www.``."""
    domain = value.strip().lower()
    domain = re.sub(r"^[a-z][a-z0-9+.-]*://", "", domain).split("/", 1)[0].rstrip(".")
    return domain.removeprefix("www.")


class PlatformEntry(BaseModel):
    """One platform as a file holds it; ``source`` is required so that no fact is without one."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    category: str
    aliases: list[Annotated[str, Field(min_length=1, max_length=200)]] = []
    domains: list[str] = []
    url_patterns: list[str] = []
    countries: list[str] = []
    languages: list[str] = []
    operator: Text | None = None
    reporting_mechanism: bool | None = None
    reporting_trafficking_option: bool | None = None
    monitoring: Literal["not_monitored", "planned", "monitored", "paused"] = "not_monitored"
    notes: Text | None = None
    source: Text
    sources: dict[str, Text] = {}

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        known = load_categories().ids
        if value not in known:
            raise ValueError(f"unknown category {value!r}; known: {', '.join(known)}")
        return value

    @field_validator("domains")
    @classmethod
    def _domains(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            domain = normalize_domain(value)
            if not _DOMAIN.match(domain):
                raise ValueError(f"{value!r} is not a domain name (like example.org)")
            if domain not in out:
                out.append(domain)
        return out

    @field_validator("url_patterns")
    @classmethod
    def _patterns(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            host, _, path = value.strip().partition("/")
            pattern = host.lower().removeprefix("www.") + (f"/{path}" if path else "")
            if not _PATTERN.match(pattern) or "." not in host:
                raise ValueError(f"{value!r} is not a URL pattern (like example.org/jobs/*)")
            out.append(pattern)
        return out

    @field_validator("countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        out = [value.strip().upper() for value in values]
        bad = [value for value in out if not re.fullmatch(r"[A-Z]{2}", value)]
        if bad:
            raise ValueError(f"not ISO 3166-1 alpha-2 country codes: {', '.join(bad)}")
        return out

    @field_validator("languages")
    @classmethod
    def _languages(cls, values: list[str]) -> list[str]:
        out = [value.strip().lower() for value in values]
        bad = [value for value in out if not re.fullmatch(r"[a-z]{2}", value)]
        if bad:
            raise ValueError(f"not ISO 639-1 language codes: {', '.join(bad)}")
        return out

    @field_validator("sources")
    @classmethod
    def _source_keys(cls, values: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(values) - set(FACTS))
        if unknown:
            raise ValueError(f"sources name facts an entry does not have: {', '.join(unknown)}")
        return values

    @model_validator(mode="after")
    def _trafficking_option_needs_mechanism(self) -> PlatformEntry:
        if self.reporting_trafficking_option and self.reporting_mechanism is False:
            raise ValueError("reporting_trafficking_option is true but reporting_mechanism is false")
        return self

    def source_of(self, fact: str) -> str:
        """Where ``fact`` comes from: its own source, else the entry's."""
        return self.sources.get(fact) or self.source

    def facts(self) -> dict[str, Any]:
        """The facts that hold a value, as stored and exported."""
        data = self.model_dump(exclude={"source", "sources"})
        return {k: v for k, v in data.items() if v not in (None, [], "")}

    def to_record(self) -> dict[str, Any]:
        """The entry as a YAML mapping: set facts, then ``source`` and the per-fact sources."""
        record = self.facts()
        record["source"] = self.source
        if self.sources:
            record["sources"] = dict(self.sources)
        return record


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of one entry, and where."""

    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}, field {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(frozen=True)
class LocatedEntry:
    """An entry with the line it starts on and the line of each of its fields."""

    entry: PlatformEntry
    line: int
    field_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)


def catalogue_error(label: str, problems: Sequence[Problem]) -> InputError:
    shown = "; ".join(str(p) for p in problems[:PROBLEMS_SHOWN])
    more = f"; and {len(problems) - PROBLEMS_SHOWN} more" if len(problems) > PROBLEMS_SHOWN else ""
    return InputError(
        f"{label}: {shown}{more} (nothing was stored)",
        problems=[{"line": p.line, "field": p.field, "message": p.message} for p in problems],
    )


def _validate(raw: object, line: int, field_lines: dict[str, int], problems: list[Problem]) -> LocatedEntry | None:
    if not isinstance(raw, dict):
        problems.append(Problem(line, None, "an entry must be a mapping of fields"))
        return None
    try:
        entry = PlatformEntry.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            name = loc[0] if loc else None
            where = field_lines.get(name or "", line)
            label = ".".join(loc) if loc else None
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "missing" and name == "source":
                message = "every entry needs a source: where its facts come from"
            problems.append(Problem(where, label, message))
        return None
    return LocatedEntry(entry, line, field_lines)


def check_duplicates(entries: Sequence[LocatedEntry], problems: list[Problem]) -> None:
    """Two entries of one file with the same name, or claiming the same domain, are an error."""
    names: dict[str, int] = {}
    domains: dict[str, tuple[str, int]] = {}
    for located in entries:
        entry = located.entry
        key = entry.name.casefold()
        if key in names:
            problems.append(Problem(located.line_of("name"), "name", f"{entry.name!r} is already listed on line {names[key]}"))
        names.setdefault(key, located.line_of("name"))
        for domain in entry.domains:
            owner = domains.get(domain)
            if owner and owner[0] != key:
                problems.append(Problem(located.line_of("domains"), "domains",
                                        f"domain {domain} is already claimed on line {owner[1]}"))
            domains.setdefault(domain, (key, located.line_of("domains")))


def parse_yaml(text: str, label: str = "catalogue") -> list[LocatedEntry]:
    """Entries of a YAML catalogue (``platforms:`` list, or a bare list); raises :class:`InputError`."""
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise catalogue_error(label, [Problem(line, None, f"malformed YAML: {reason}")]) from exc
    items, nodes = _entry_nodes(data, root)
    if items is None:
        raise catalogue_error(label, [Problem(1, None, "expected a list of platforms under 'platforms:'")])
    problems: list[Problem] = []
    entries = []
    for raw, node in zip(items, nodes, strict=True):
        line = node.start_mark.line + 1
        field_lines = (
            {key.value: key.start_mark.line + 1 for key, _ in node.value if isinstance(key, yaml.ScalarNode)}
            if isinstance(node, yaml.MappingNode) else {}
        )
        located = _validate(raw, line, field_lines, problems)
        if located is not None:
            entries.append(located)
    check_duplicates(entries, problems)
    if problems:
        raise catalogue_error(label, problems)
    return entries


def _entry_nodes(data: object, root: yaml.Node | None) -> tuple[list[Any] | None, list[yaml.Node]]:
    if isinstance(data, dict) and isinstance(root, yaml.MappingNode):
        extra = sorted(str(k) for k in data if k not in {"platforms", "version"})
        data = data.get("platforms") if not extra else None
        root = next((value for key, value in root.value if getattr(key, "value", None) == "platforms"), None)
    if isinstance(data, list) and isinstance(root, yaml.SequenceNode):
        return data, list(root.value)
    if data is None and root is not None and getattr(root, "value", None) == []:
        return [], []
    return None, []


def _csv_value(name: str, cell: str) -> object:
    cell = cell.strip()
    if name in LIST_FACTS:
        return [part.strip() for part in cell.split(CSV_LIST_SEPARATOR) if part.strip()]
    if name in BOOL_FACTS:
        lowered = cell.lower()
        return {"": None, "true": True, "yes": True, "false": False, "no": False}.get(lowered, cell)
    return cell or None


def parse_csv(text: str, label: str = "catalogue") -> list[LocatedEntry]:
    """Entries of a CSV catalogue (columns :data:`CSV_COLUMNS`; lists separated by ``;``)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if not header or "name" not in header or unknown:
        reason = f"unknown columns: {', '.join(unknown)}" if unknown else "the header must name the columns (name, category, ..., source)"
        raise catalogue_error(label, [Problem(1, None, reason)])
    problems: list[Problem] = []
    entries = []
    line = 2
    for row in reader:
        if None in row:
            problems.append(Problem(line, None, "more cells than columns"))
            line = reader.line_num + 1
            continue
        raw: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for name, cell in row.items():
            if cell is None or not cell.strip():
                continue
            if name.startswith("source_"):
                sources[name.removeprefix("source_")] = cell.strip()
            elif name == "source":
                raw["source"] = cell.strip()
            else:
                raw[name] = _csv_value(name, cell)
        if sources:
            raw["sources"] = sources
        located = _validate(raw, line, {}, problems)
        if located is not None:
            entries.append(located)
        line = reader.line_num + 1
    check_duplicates(entries, problems)
    if problems:
        raise catalogue_error(label, problems)
    return entries


def parse_catalogue(text: str, fmt: Literal["yaml", "csv"], label: str = "catalogue") -> list[LocatedEntry]:
    return parse_csv(text, label) if fmt == "csv" else parse_yaml(text, label)


def to_yaml(entries: Iterable[PlatformEntry]) -> str:
    records = [entry.to_record() for entry in entries]
    return yaml.safe_dump({"platforms": records}, allow_unicode=True, sort_keys=False, width=100)


def to_csv(entries: Iterable[PlatformEntry]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        row: dict[str, str] = {"source": entry.source}
        for name, value in entry.model_dump(exclude={"source", "sources"}).items():
            if isinstance(value, list):
                row[name] = CSV_LIST_SEPARATOR.join(value)
            elif isinstance(value, bool):
                row[name] = "true" if value else "false"
            else:
                row[name] = "" if value is None else str(value)
        for name, value in entry.sources.items():
            row[f"source_{name}"] = value
        writer.writerow(row)
    return out.getvalue()


def seed_catalogue() -> list[LocatedEntry]:
    """The seed catalogue shipped with Vigil (``data/seed.yaml``)."""
    from importlib import resources

    text = resources.files("vigil.platforms").joinpath("data", "seed.yaml").read_text(encoding="utf-8")
    return parse_yaml(text, "seed catalogue")
