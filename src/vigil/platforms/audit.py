"""The minors' safety-defaults audit: a checklist as data, and a platform's settings checked against it.

Each check (``data/checklist.yaml``) reads one key of a settings file's
``minor_account_defaults`` and cites the requirement it comes from (ICO Children's code,
DSA article 28 and its guidelines). A key holding the safe value passes, any other allowed
value fails, and a key left out or null is unknown: not observed is not the same as safe.
A key the checklist does not know, or a value it does not allow, is refused with its line,
so that a typo never turns into an "unknown".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Literal

import yaml
from sqlalchemy.orm import Session

from vigil.errors import ConfigError, InputError
from vigil.platforms.catalogue import Problem, catalogue_error
from vigil.platforms.categories import read_data
from vigil.platforms.models import PlatformAudit, PlatformRow

Result = Literal["pass", "fail", "unknown"]
PASS: Final = "pass"  # noqa: S105 - a check result, not a password
FAIL: Final = "fail"
UNKNOWN: Final = "unknown"
DEFAULTS_KEY: Final = "minor_account_defaults"
#: Top-level keys of a settings file.
FILE_KEYS: Final = ("platform", "observed_on", "source", DEFAULTS_KEY)


@dataclass(frozen=True)
class Check:
    id: str
    key: str
    values: tuple[object, ...]
    expected: object
    requirement: str
    verify: str


@cache
def load_checklist() -> tuple[Check, ...]:
    checks = []
    for item in read_data("checklist.yaml")["checks"]:
        check = Check(str(item["id"]), str(item["key"]), tuple(item["values"]), item["expected"],
                      str(item["requirement"]), str(item["verify"]))
        if check.expected not in check.values:
            raise ConfigError(f"safety check {check.id}: expected value {check.expected!r} is not among its values")
        checks.append(check)
    if len({c.id for c in checks}) != len(checks) or len({c.key for c in checks}) != len(checks):
        raise ConfigError("safety checklist: check ids and keys must be unique")
    return tuple(checks)


@dataclass(frozen=True)
class SettingsFile:
    """A platform's described default settings for a minor's account."""

    platform: str | None
    source: str
    observed_on: str | None
    values: dict[str, object]


@dataclass(frozen=True)
class CheckResult:
    id: str
    result: Result
    requirement: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "result": self.result, "requirement": self.requirement, "reason": self.reason}


def _as_allowed(check: Check, value: object) -> object:
    # YAML 1.1 reads a bare off/on as false/true; a key whose values are words means the word.
    if isinstance(value, bool) and all(isinstance(v, str) for v in check.values):
        word = "on" if value else "off"
        return word if word in check.values else value
    return value


def parse_settings(text: str, label: str = "settings file") -> SettingsFile:
    """Read and validate a settings file; every problem names its line and key."""
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise catalogue_error(label, [Problem(mark.line + 1 if mark else None, None, f"malformed YAML: {reason}")]) from exc
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise catalogue_error(label, [Problem(1, None, f"expected a mapping with {', '.join(FILE_KEYS)}")])
    lines = {k.value: k.start_mark.line + 1 for k, _ in root.value if isinstance(k, yaml.ScalarNode)}
    problems = [Problem(lines.get(str(k)), str(k), "unknown key") for k in data if k not in FILE_KEYS]
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem(lines.get("source", 1), "source", "say where these settings were observed"))
    defaults = data.get(DEFAULTS_KEY)
    defaults_node = next((v for k, v in root.value if getattr(k, "value", None) == DEFAULTS_KEY), None)
    values: dict[str, object] = {}
    if not isinstance(defaults, dict) or not isinstance(defaults_node, yaml.MappingNode):
        problems.append(Problem(lines.get(DEFAULTS_KEY, 1), DEFAULTS_KEY, "expected a mapping of setting keys to values"))
    else:
        key_lines = {k.value: k.start_mark.line + 1 for k, _ in defaults_node.value if isinstance(k, yaml.ScalarNode)}
        by_key = {check.key: check for check in load_checklist()}
        for key, value in defaults.items():
            check = by_key.get(str(key))
            where, name = key_lines.get(str(key)), f"{DEFAULTS_KEY}.{key}"
            if check is None:
                problems.append(Problem(where, name, f"unknown setting; known: {', '.join(sorted(by_key))}"))
                continue
            value = _as_allowed(check, value)
            if value is not None and value not in check.values:
                allowed = ", ".join(yaml.safe_dump(v).split("\n")[0] for v in check.values)
                problems.append(Problem(where, name, f"{value!r} is not one of: {allowed}"))
                continue
            values[check.key] = value
    platform = data.get("platform")
    if platform is not None and not isinstance(platform, str):
        problems.append(Problem(lines.get("platform"), "platform", "expected the platform's name"))
    if problems:
        raise catalogue_error(label, problems)
    observed_on = data.get("observed_on")
    return SettingsFile(platform, str(source).strip(), None if observed_on is None else str(observed_on), values)


def _shown(value: object) -> str:
    return yaml.safe_dump(value).split("\n")[0]


def run_checks(settings: SettingsFile, checks: Sequence[Check] | None = None) -> list[CheckResult]:
    results = []
    for check in checks or load_checklist():
        value = settings.values.get(check.key)
        if value is None:
            results.append(CheckResult(check.id, UNKNOWN, check.requirement,
                                       f"{check.key} not described; to verify: {check.verify}"))
        elif value == check.expected:
            results.append(CheckResult(check.id, PASS, check.requirement, f"{check.key} is {_shown(value)} by default"))
        else:
            results.append(CheckResult(check.id, FAIL, check.requirement,
                                       f"{check.key} is {_shown(value)} by default; the safe default is {_shown(check.expected)}"))
    return results


def audit_json(platform: str, results: Sequence[CheckResult]) -> dict[str, Any]:
    return {"platform": platform, "checks": [r.to_json() for r in results]}


def store_audit(session: Session, platform: PlatformRow, settings: SettingsFile, results: Sequence[CheckResult]) -> PlatformAudit:
    counts = {outcome: sum(1 for r in results if r.result == outcome) for outcome in (PASS, FAIL, UNKNOWN)}
    row = PlatformAudit(
        platform_id=platform.id, source=settings.source, observed_on=settings.observed_on,
        passed=counts[PASS], failed=counts[FAIL], unknown=counts[UNKNOWN], checks=[r.to_json() for r in results],
    )
    session.add(row)
    session.flush()
    return row


def platform_name(settings: SettingsFile, given: str | None) -> str:
    name = given or settings.platform
    if not name:
        raise InputError("the settings file names no platform: add 'platform:' or give --platform")
    return name
