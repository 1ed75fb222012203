"""Document-level signals the risk models read besides indicators: how contact details are
written, stated ages, and whether a job ad names a registered employer.

Language is data: the employer lexicon lists legal forms and register identifiers per
language, and all of them are matched at once (a Polish firm may advertise in Ukrainian).
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

import ahocorasick
import yaml

from vigil.documents import Document
from vigil.errors import ConfigError

MINOR_AGE: Final = 18
EMPLOYER_LEXICON: Final = "employer_identity.yaml"
#: Separators people put inside a phone number that do not hide it.
_PLAIN_SEPARATORS: Final = re.compile(r"(?<=\d)[\s\-().+/]+(?=\d)")
_NON_DIGITS: Final = re.compile(r"\D")
_VISIBLE_DIGITS: Final = 7
#: Longest phone-like run (in characters) that :data:`_LETTER_DIGITS` reads as one number.
_RUN_MAX: Final = 20
_RUN_CHAR: Final = r"[0-9OoIl\s.\-]"
#: Look-ahead reach: the run's own length. Unbounded look-aheads rescan the rest of the run from
#: every start, so "1" followed by 40,000 "O" took half a minute; bounded, each start costs a constant.
_REACH: Final = f"{_RUN_CHAR}{{0,{_RUN_MAX - 2}}}"
#: A phone-like run where letters stand in for digits ("O77OO 9OO 412", "o7 l2 ..."): a digit
#: before a look-alike letter and a look-alike letter before a digit, within one run.
_LETTER_DIGITS: Final = re.compile(
    rf"(?<![\w])(?={_REACH}\d{_REACH}[OoIl])(?={_REACH}[OoIl]{_REACH}\d)"
    rf"[0-9OoIl]{_RUN_CHAR}{{7,{_RUN_MAX - 2}}}[0-9OoIl](?![\w])"
)
_MIN_REAL_DIGITS: Final = 4
#: Cheap pre-check for the pattern above: a look-alike letter right next to a digit (or one
#: separator away), on either side. Written as a digit and then the letter after it or before
#: it (look-behinds), so that a search looks only at the digits, not at every "o" and "l".
_LETTER_BY_DIGIT: Final = re.compile(r"\d(?:[\s.\-]?[OoIl]|(?<=[OoIl]\d)|(?<=[OoIl][\s.\-]\d))")
_BOUNDARY: Final = r"[^\W_]"
#: Handle prefixes (as the entity extractor writes them) of chat apps that hide who is behind them.
MESSENGERS: Final = frozenset({"telegram", "viber", "whatsapp", "signal", "wechat", "line", "kik"})


@dataclass(frozen=True, slots=True)
class EmployerLexicon:
    """Compiled legal forms and register identifiers of all languages."""

    pattern: re.Pattern[str]
    #: Aho-Corasick automaton over the same terms: one pass finds whether any occurs at all.
    automaton: Any = None

    def find(self, text: str) -> str | None:
        # The boundary-checking pattern runs only when the automaton saw a candidate.
        if self.automaton is not None and next(self.automaton.iter(text), None) is None:
            return None
        match = self.pattern.search(text)
        return match.group() if match else None


def load_employer_lexicon() -> EmployerLexicon:
    path = resources.files("vigil.scoring") / "lexicons" / EMPLOYER_LEXICON
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot load the employer lexicon {EMPLOYER_LEXICON}: {exc}") from exc
    terms: set[str] = set()
    for section in ("legal_forms", "registration"):
        for words in (raw.get(section) or {}).values():
            terms.update(str(w) for w in words if str(w).strip())
    alternation = "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
    # Terms may end in a dot, so the right boundary is "no letter or digit follows".
    automaton = ahocorasick.Automaton()
    for term in sorted(terms):
        automaton.add_word(term, term)
    automaton.make_automaton()
    return EmployerLexicon(re.compile(rf"(?<!{_BOUNDARY})(?:{alternation})(?!{_BOUNDARY})"), automaton)


def obscured_phone(document: Document, phones: Iterable[Any], text: str | None = None) -> bool:
    """True if a phone number is disguised (JIRN 2024: obscured numbers were predictive).

    Either the extractor read a number whose last digits do not appear plainly in the text
    (spelled out, split by emoji), or the text has a phone-like run with letters for digits.
    ``text`` is :func:`document_text` of the document when the caller already has it.
    """
    if text is None:
        text = document_text(document)
    plain: str | None = None  # made only when needed: a run of digits in the text stays whole in it
    for phone in phones:
        if not isinstance(phone, str):
            continue
        digits = _NON_DIGITS.sub("", phone)
        if len(digits) < _VISIBLE_DIGITS or digits[-_VISIBLE_DIGITS:] in text:
            continue
        if plain is None:
            plain = _PLAIN_SEPARATORS.sub("", text)
        if digits[-_VISIBLE_DIGITS:] not in plain:
            return True
    if not _LETTER_BY_DIGIT.search(text):
        return False
    return any(sum(c.isdigit() for c in match.group()) >= _MIN_REAL_DIGITS for match in _LETTER_DIGITS.finditer(text))


def document_text(document: Document) -> str:
    """The title and the text of a document, on two lines: what the signals read."""
    return f"{document.title or ''}\n{document.text}"


SIGNALS: Final = ("obscured_phone", "stated_minor_age", "employer_identified", "messenger_contact_only")


def document_signals(
    document: Document,
    entities: Mapping[str, Any],
    employer: EmployerLexicon,
    wanted: Container[str] = SIGNALS,
) -> dict[str, float]:
    """Signals as features (value 1.0 when present); only the ``wanted`` ones are computed."""
    features: dict[str, float] = {}
    text = document_text(document)  # made once for the two signals that read it
    if "obscured_phone" in wanted and obscured_phone(document, entities.get("phones") or [], text):
        features["obscured_phone"] = 1.0
    ages = [a for a in entities.get("ages") or [] if isinstance(a, int | float) and not isinstance(a, bool)]
    if "stated_minor_age" in wanted and ages and min(ages) < MINOR_AGE:
        features["stated_minor_age"] = 1.0
    if "employer_identified" in wanted and employer.find(text):
        features["employer_identified"] = 1.0
    if "messenger_contact_only" in wanted and messenger_contact_only(entities):
        features["messenger_contact_only"] = 1.0
    return features


def messenger_contact_only(entities: Mapping[str, Any]) -> bool:
    """The only way to reach the advertiser is a chat app: no e-mail, no website, no plain phone."""
    handles = [h for h in entities.get("handles") or [] if isinstance(h, str)]
    messenger = [h for h in handles if h.split(":", 1)[0].lower() in MESSENGERS]
    if not messenger or entities.get("emails") or entities.get("urls"):
        return False
    on_messenger = {h.split(":", 1)[1] for h in messenger if ":" in h}
    return all(phone in on_messenger for phone in entities.get("phones") or [])
