"""Deterrence and safety messages, and the help lines shown with them.

Texts live in ``data/messages/<lang>.yaml`` (reviewed content, one file per language);
help lines in ``data/helplines.yaml``, each with the source it was checked against. A
message in a language without a text for that kind falls back to English.

Deterrence follows the published evidence (a short, direct warning that says the search
is linked to a crime and harms people, plus a route to help): the warnings that named
illegality reduced follow-up searches most in a randomised trial, and reThink-style
messages pair the warning with a help option.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, Literal

import yaml

from vigil.errors import ConfigError, NotFoundError

MessageKind = Literal["deterrence", "safety"]
FALLBACK_LANG: Final = "en"
#: Keys every message file should have; the English file must have all of them.
MESSAGE_KEYS: Final = ("deterrence", "deterrence_minor", "safety", "safety_minor")
HELP_KEYS: Final = (
    "title",
    "intro",
    "recognise_title",
    "recognise",
    "do_title",
    "do",
    "call_title",
    "call_intro",
    "source_label",
    "minors_note",
)


@dataclass(frozen=True, slots=True)
class Helpline:
    id: str
    name: str
    country: str
    source: str
    number: str | None = None
    alt_number: str | None = None
    url: str | None = None
    not_in: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {"id": self.id, "name": self.name, "country": self.country}
        if self.number:
            item["number"] = self.number
        if self.alt_number:
            item["alt_number"] = self.alt_number
        if self.url:
            item["url"] = self.url
        if self.not_in:
            item["not_in"] = list(self.not_in)
        item["source"] = self.source
        return item

    def serves(self, country: str | None) -> bool:
        return country is None or country not in self.not_in


def _parse_helplines(data: Mapping[str, Any]) -> dict[str, Helpline]:
    lines: dict[str, Helpline] = {}
    for line_id, raw in (data.get("helplines") or {}).items():
        if not raw.get("source"):
            raise ConfigError(f"help line {line_id} has no source; numbers are never shown without one")
        if not raw.get("number") and not raw.get("url"):
            raise ConfigError(f"help line {line_id} has neither a number nor a url")
        lines[line_id] = Helpline(
            id=str(line_id),
            name=str(raw["name"]),
            country=str(raw["country"]),
            source=str(raw["source"]),
            number=raw.get("number"),
            alt_number=raw.get("alt_number"),
            url=raw.get("url"),
            not_in=tuple(raw.get("not_in", ()) or ()),
            audiences=tuple(raw.get("audiences", ()) or ()),
        )
    return lines


class MessageCatalog:
    """Messages per language and kind, with their help lines."""

    def __init__(self, texts: Mapping[str, Mapping[str, Any]], helpline_data: Mapping[str, Any]) -> None:
        if FALLBACK_LANG not in texts:
            raise ConfigError("the English message file is required as the fallback")
        missing = [key for key in MESSAGE_KEYS if key not in texts[FALLBACK_LANG]]
        if missing:
            raise ConfigError(f"English messages lack {missing}")
        self._texts = {lang: dict(values) for lang, values in texts.items()}
        self.helplines = _parse_helplines(helpline_data)
        self._selection: dict[str, list[str]] = dict(helpline_data.get("selection") or {})
        self._country_lines: dict[str, list[str]] = dict(helpline_data.get("country_lines") or {})
        self._language_country: dict[str, str] = dict(helpline_data.get("language_country") or {})
        for key, ids in [*self._selection.items(), *self._country_lines.items()]:
            unknown = [line_id for line_id in ids if line_id not in self.helplines]
            if unknown:
                raise ConfigError(f"help line selection {key} names unknown lines {unknown}")

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self._texts))

    def resolve_lang(self, lang: str | None) -> str:
        return lang if lang in self._texts else FALLBACK_LANG

    def texts(self, lang: str) -> Mapping[str, Any]:
        return self._texts[self.resolve_lang(lang)]

    def select_helplines(self, key: str, lang: str, country: str | None = None) -> list[Helpline]:
        country = country.upper() if country else None
        ids = list(self._selection.get(key, []))
        for extra_country in {country, self._language_country.get(lang)}:
            if extra_country:
                ids.extend(i for i in self._country_lines.get(extra_country, []) if i not in ids)
        return [self.helplines[i] for i in ids if self.helplines[i].serves(country)]

    def message(
        self, kind: MessageKind, lang: str | None, *, minor: bool = False, country: str | None = None
    ) -> dict[str, Any]:
        """The message object ``{"lang", "kind", "title", "body", "tips", "helplines"}``."""
        key = f"{kind}_minor" if minor else kind
        resolved = self.resolve_lang(lang)
        text = self._texts[resolved].get(key)
        if text is None:
            resolved = FALLBACK_LANG
            text = self._texts[FALLBACK_LANG][key]
        return {
            "lang": resolved,
            "kind": kind,
            "title": str(text["title"]).strip(),
            "body": str(text["body"]).strip(),
            "tips": [str(tip) for tip in text.get("tips", [])],
            "helplines": [line.as_dict() for line in self.select_helplines(key, resolved, country)],
        }

    def help_page(self, lang: str) -> dict[str, Any]:
        """Texts and help lines of the public help page; unknown languages are a 404."""
        if lang not in self.help_languages:
            raise NotFoundError(f"no help page in language {lang!r}")
        texts = dict(self._texts[lang]["help"])
        return {
            "lang": lang,
            **texts,
            "helplines": [line.as_dict() for line in self.select_helplines("safety", lang)],
            "minor_helplines": [line.as_dict() for line in self.select_helplines("safety_minor", lang)],
        }

    @property
    def help_languages(self) -> tuple[str, ...]:
        return tuple(sorted(lang for lang, texts in self._texts.items() if "help" in texts))


def _read_yaml(path: Any) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name} is not valid YAML: {exc}") from exc


@cache
def load_default_catalog() -> MessageCatalog:
    """The shipped messages and help lines (parsed once per process)."""
    data = resources.files("vigil.safeguard").joinpath("data")
    texts: dict[str, Mapping[str, Any]] = {}
    for entry in data.joinpath("messages").iterdir():
        if entry.name.endswith(".yaml"):
            content = _read_yaml(entry)
            texts[str(content["lang"])] = content
    return MessageCatalog(texts, _read_yaml(data.joinpath("helplines.yaml")))
