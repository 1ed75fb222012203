"""Site profiles: what to collect from one site, as a YAML file. Adding a site is adding a file.

A profile names the platform it belongs to (the registry's name), where to start, which
links lead to listing and ad pages, how to read each field of an ad (CSS selectors, with
parsel's ``::text`` and ``::attr(name)``), how to page through listings, and how politely
to ask. A profile that breaks the schema is refused with its file, line and field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from vigil.documents import KINDS
from vigil.errors import ConfigError, InputError, NotFoundError
from vigil.urls import is_web_url

PROFILE_SUFFIX: Final = ".yaml"
_NAME: Final = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")
#: Shipped examples (package data): copy one into the profiles folder and adapt it.
EXAMPLES_DIR: Final = Path(__file__).parent / "data" / "profiles"


class FieldSelectors(BaseModel):
    """CSS selectors of an ad's fields; ``text`` falls back to the page's main text when absent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = None
    text: str | None = None
    posted_at: str | None = None
    location: str | None = None
    contacts: str | None = None
    images: str | None = "img::attr(src)"


class LinkRules(BaseModel):
    """Regular expressions over absolute URLs: which links are listing pages, which are ads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    listing: list[str] = Field(default_factory=list)
    ad: list[str] = Field(default_factory=list)
    #: CSS selector of the "next page" link on a listing page.
    next_page: str | None = None

    @field_validator("listing", "ad")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from exc
        return patterns


class SiteProfile(BaseModel):
    """One monitored site (or feed set), as written in its YAML file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    platform: str
    kind: str = "other"
    lang: str | None = Field(None, description="ISO 639-1 language of the site; detected per ad when absent.")
    start_urls: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    links: LinkRules = Field(default_factory=LinkRules)
    fields: FieldSelectors = Field(default_factory=FieldSelectors)
    #: Seconds between two requests to one host; empty takes the ``collect_delay_seconds`` setting.
    delay_seconds: float | None = Field(None, ge=0, le=3600)
    max_pages: int = Field(1000, ge=1, le=1_000_000)
    max_depth: int = Field(20, ge=0, le=10_000)
    max_retries: int = Field(3, ge=0, le=10)
    #: Seconds to wait before the first retry of a 5xx (doubled each time); never less than the delay.
    backoff_seconds: float = Field(5.0, ge=0, le=3600)
    #: Fetch the ads seen before again on each new run, so edits and removals are noticed.
    revisit_ads: bool = True
    #: Hosts the crawler may follow links to; empty means the hosts of the start URLs and feeds.
    allowed_hosts: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use lower-case letters, digits, '.', '_' and '-' (at most 100)")
        return value

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"use one of {', '.join(KINDS)}")
        return value

    @field_validator("start_urls", "feeds")
    @classmethod
    def _web_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not is_web_url(url):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return urls

    @model_validator(mode="after")
    def _somewhere_to_start(self) -> SiteProfile:
        if not self.start_urls and not self.feeds:
            raise ValueError("give start_urls or feeds (or both)")
        return self

    @property
    def source_name(self) -> str:
        """The store's source of this profile's documents."""
        return f"collect:{self.name}"

    def hosts(self) -> frozenset[str]:
        from urllib.parse import urlsplit

        if self.allowed_hosts:
            return frozenset(host.lower() for host in self.allowed_hosts)
        return frozenset((urlsplit(url).hostname or "").lower() for url in [*self.start_urls, *self.feeds])


def _line_of(root: yaml.Node | None, location: Sequence[int | str]) -> int | None:
    """1-based line of the YAML node at ``location`` (pydantic's error path), or of its nearest parent."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in location:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    child = value
                    line = key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def parse_profile(text: str, path: str) -> SiteProfile:
    """The profile in ``text``; a :class:`ConfigError` names ``path``, the line and the field of each problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: a profile is a mapping of fields (name, platform, start_urls, ...)")
    try:
        return SiteProfile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            location = [part for part in error["loc"] if isinstance(part, int | str)]
            field = ".".join(str(part) for part in location) or "(profile)"
            problems.append(f"{path}:{_line_of(root, location)}: {field}: {error['msg']}")
        raise ConfigError("invalid profile: " + "; ".join(problems)) from exc


def load_profile(path: Path) -> SiteProfile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFoundError(f"no profile file {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read profile {path}: {exc}") from exc
    profile = parse_profile(text, str(path))
    if path.name != profile.name + PROFILE_SUFFIX:
        raise ConfigError(f"{path}:1: name: the profile {profile.name!r} must be in a file named {profile.name}{PROFILE_SUFFIX}")
    return profile


def find_profile(folder: Path, name: str) -> SiteProfile:
    """Profile ``name`` from ``folder``, or the file ``name`` when it is a path to a ``.yaml`` file."""
    given = Path(name)
    if name.endswith(PROFILE_SUFFIX) and given.is_file():
        return load_profile(given)
    if not _NAME.match(name):
        raise InputError(f"{name!r} is not a profile name (nor a .yaml file)")
    path = folder / f"{name}{PROFILE_SUFFIX}"
    if not path.is_file():
        raise NotFoundError(f"no profile {name!r} in {folder} (profiles are NAME{PROFILE_SUFFIX} files there)")
    return load_profile(path)


def all_profiles(folder: Path) -> list[SiteProfile]:
    """Every profile in ``folder``, by name; one bad file refuses the lot (it names every bad file)."""
    if not folder.is_dir():
        raise NotFoundError(f"no profiles folder {folder} (set collect_profiles_dir, or create it)")
    profiles: list[SiteProfile] = []
    problems: list[str] = []
    for path in sorted(folder.glob(f"*{PROFILE_SUFFIX}")):
        try:
            profiles.append(load_profile(path))
        except (ConfigError, InputError) as exc:
            problems.append(str(exc))
    if problems:
        raise ConfigError("; ".join(problems))
    return profiles
