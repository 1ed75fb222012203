"""E-mail addresses, including disguised ones ("anna at gmail dot com", "anna(at)mail[dot]pl",
"anna [@] gmail [.] com", "anna @ gmail . com", "anna собака ukr крапка net")."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any, Final

import ahocorasick

from vigil.extract.entities.base import SpanSet, word_alternation
from vigil.extract.resources import load_yaml

#: Possessive: what follows a local part (``@``, a space, a bracket) is never one of its
#: characters, so only the whole run can be the local part; giving characters back would
#: only retry the "at" patterns at every shorter split, in every word of the text.
_LOCAL: Final = r"[\w.+\-]{1,64}+"
_LABEL: Final = r"[\w\-]{1,63}"
_PLAIN: Final = re.compile(rf"(?<![\w.+\-])({_LOCAL})@({_LABEL}(?:\.{_LABEL}){{1,4}})")
#: Most labels a spelled-out domain may have ("mail dot co dot uk").
MAX_LABELS: Final = 4


class EmailFinder:
    """Finds e-mail addresses in the light view; values are lower-case ``local@domain``."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        data = config if config is not None else load_yaml("web.yaml")
        self.tlds: Collection[str] = frozenset(str(t).casefold() for t in data["tlds"])
        self.mail_hosts: Collection[str] = frozenset(str(h).casefold() for h in data["mail_hosts"])
        at_words = word_alternation(str(w).casefold() for w in data["at_words"])
        dot_words = word_alternation(str(w).casefold() for w in data["dot_words"])
        at = rf"(?:\s?[(\[{{<]\s?(?:{at_words}|@)\s?[)\]}}>]\s?|(?P<bare>\s(?:{at_words})\s)|\s@\s?|@\s)"
        self._disguised = re.compile(rf"(?<![\w.+\-])({_LOCAL}){at}(?P<domain>{_LABEL})")
        self._next_label = re.compile(
            rf"(?:\s?\.\s?|\s?[(\[{{<]\s?(?:{dot_words}|\.)\s?[)\]}}>]\s?|\s(?:{dot_words})\s)({_LABEL})"
        )
        self.at_words = tuple(str(w).casefold() for w in data["at_words"])
        self.at_markers = {
            w: tuple(f"{lead}{w}{tail}" for lead, tail in ((" ", " "), ("(", ""), ("[", ""), ("{", ""), ("<", "")))
            for w in self.at_words
        }
        # Every marker holds its word, so "a marker is in the text" is the whole pre-check:
        # one pass over the text for all of them.
        self._markers = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for marker in ("@", *(m for markers in self.at_markers.values() for m in markers)):
            self._markers.add_word(marker, marker)
        self._markers.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, address)`` in ``text`` coordinates, in order."""
        if next(self._markers.iter(text), None) is None:
            return []
        found: list[tuple[int, int, str]] = []
        if "@" in text:
            for m in _PLAIN.finditer(text):
                local, domain = m.group(1).strip("."), m.group(2).rstrip(".")
                labels = domain.split(".")
                if _valid_local(local) and len(labels[-1]) >= 2 and labels[-1].isalpha():
                    found.append((m.end(1) - len(m.group(1).lstrip(".")), m.start(2) + len(domain), f"{local}@{domain}"))
        plain = SpanSet([(a, b) for a, b, _ in found]) if found else SpanSet()
        for m in self._disguised.finditer(text):
            local = m.group(1).strip(".")
            if not _valid_local(local) or plain.covers(m.start()):
                continue
            labels = [m.group("domain")]
            ends = [m.end()]
            pos = m.end()
            spelled_dot = False
            while len(labels) < MAX_LABELS and (nxt := self._next_label.match(text, pos)) is not None:
                labels.append(nxt.group(1))
                ends.append(nxt.end())
                spelled_dot = spelled_dot or not nxt.group().startswith(".")
                pos = nxt.end()
            if m.group("bare") and not spelled_dot and labels[0] not in self.mail_hosts:
                continue  # "jobs at work-abroad.eu" is prose, not a disguised address
            for count in range(len(labels), 1, -1):
                if labels[count - 1] in self.tlds:
                    start = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip(".")))
                    found.append((start, ends[count - 1], f"{local}@{'.'.join(labels[:count])}"))
                    break
        return sorted(found)


def _valid_local(local: str) -> bool:
    return bool(local) and any(ch.isalnum() for ch in local) and ".." not in local
