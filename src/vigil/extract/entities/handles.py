"""Messenger and social handles: ``telegram:<name>``, ``whatsapp:+48...``, ``instagram:<name>``.

Read from links (``t.me/name``, ``wa.me/48...``, ``instagram.com/name``), from ``@name``
with the messenger named nearby (Telegram when none is named: the usual channel of the ads
this is built for), from "Telegram: name", and from phone numbers a messenger is named for
("WhatsApp/Viber: +48 ...").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable
from typing import Any, Final

from vigil.extract.entities.base import LETTER, SpanSet, WordIndex, pad, word_alternation
from vigil.extract.entities.phones import PhoneHit, _valid_e164
from vigil.extract.resources import load_yaml
from vigil.extract.words import WordHits

DEFAULT_MESSENGER: Final = "telegram"
#: Characters looked at around an ``@name`` or a phone number for the messenger's name.
NAME_BEFORE: Final = 40
NAME_AFTER: Final = 25
_TELEGRAM_LINK: Final = re.compile(
    r"(?<![\w.])(?:(?:https?://)?(?:www\.)?(?:t|telegram)\.(?:me|dog)/(?:s/)?@?|tg://resolve\?domain=)([a-z0-9_]{4,32})(?![\w/])"
)
_WHATSAPP_LINK: Final = re.compile(r"(?<![\w.])(?:https?://)?(?:wa\.me/|api\.whatsapp\.com/send/?\?phone=)\+?(\d{7,15})(?!\d)")
_VIBER_LINK: Final = re.compile(r"viber://(?:chat|add|contact)\?number=(?:%2b|\+)?(\d{7,15})(?!\d)")
_SIGNAL_LINK: Final = re.compile(r"signal\.me/#p/\+?(\d{7,15})(?!\d)")
_INSTAGRAM_LINK: Final = re.compile(r"(?<![\w.])(?:https?://)?(?:www\.)?(?:instagram\.com|instagr\.am)/([a-z0-9_.]{1,30})(?![\w])")
#: An ``@name`` with no word character, dot, plus, hyphen, "@" or slash right before the "@"
#: (the look-behind follows the "@", so the scan skips ahead to one).
_AT_NAME: Final = re.compile(r"@(?<![\w.+\-@/]@)([a-z0-9_](?:[a-z0-9_.]{0,30}[a-z0-9_])?)(?![\w@])")
_OWN_CONTACT: Final = re.compile(r"\s?[:\-\u2013]?\s?[@+\d]|\s?:\s?\w")
_NOT_USERNAMES: Final = frozenset({"joinchat", "share", "addstickers", "proxy", "iv", "p", "reel", "reels", "explore", "stories", "tv", "accounts"})


def _bisect_end(mentions: list[tuple[int, int, str]], position: int) -> int:
    """Index of the first mention ending after ``position`` (mentions are in text order)."""
    low, high = 0, len(mentions)
    while low < high:
        middle = (low + high) // 2
        if mentions[middle][1] <= position:
            low = middle + 1
        else:
            high = middle
    return low


class HandleFinder:
    """Finds handles; build once (messenger names load here)."""

    def __init__(self, contacts: dict[str, Any] | None = None, web: dict[str, Any] | None = None) -> None:
        data = contacts if contacts is not None else load_yaml("contacts.yaml")
        web_data = web if web is not None else load_yaml("web.yaml")
        self.tlds: Collection[str] = frozenset(str(t).casefold() for t in web_data["tlds"])
        self.platform_of: dict[str, str] = {}
        for platform, names in data["messengers"].items():
            for name in names:
                self.platform_of.setdefault(str(name).casefold(), str(platform))
        words = [w for w in self.platform_of if not w.startswith("t.")]
        self._messenger = WordIndex((w, self.platform_of[w]) for w in words)
        # "Telegram: anna_v", "Telegram (anna_v)", "Telegram anna_v", "viber - anna_v"
        self._named = re.compile(
            rf"(?<!{LETTER})({word_alternation(words)})(?:\s?[:\-\u2013]\s?|\s?\(\s?|\s)([a-z][a-z0-9_.]{{3,31}}[a-z0-9_])(?![\w@])"
        )
        between = [*data["connectives"], *words, *(w for ws in data["phone_context"].values() for w in ws)]
        self._connectives = re.compile(rf"(?:[\W\d_]|(?<!{LETTER})(?:{word_alternation(str(w).casefold() for w in between)})(?!{LETTER}))*")

    def mentions(self, text: str, padded: str | None = None, words: WordHits | None = None) -> list[tuple[int, int, str]]:
        """``(start, end, platform)`` of every messenger name in ``text`` (``padded``: ``pad(text)``;
        ``words``: a word scan of it that may hold the messenger names)."""
        return sorted(words.of(self._messenger) if words is not None else self._messenger.find(padded or pad(text)))

    def find(
        self, text: str, taken: SpanSet | None = None, padded: str | None = None, words: WordHits | None = None
    ) -> list[tuple[int, int, str]]:
        """Handles from links, ``@name`` and "Messenger: name" in the light view."""
        found: list[tuple[int, int, str]] = []
        if "/" in text:  # every link holds one
            found = self._links(text)
        blocked = SpanSet([(a, b) for a, b, _ in found]) if found else SpanSet()
        emails = taken if taken is not None else SpanSet()
        mentions = self.mentions(text, padded, words)
        if "@" in text:
            for m in _AT_NAME.finditer(text):
                name = m.group(1)
                if "." in name and name.rsplit(".", 1)[1] in self.tlds:
                    continue  # "@gmail.com": the end of an e-mail address, not a handle
                if blocked.covers(m.start()) or emails.covers(m.start()):
                    continue
                found.append((m.start(), m.end(), f"{self._platform_near(text, mentions, m.start(), m.end())}:{name}"))
                blocked.add(m.start(), m.end())
        for m in self._named.finditer(text) if mentions else ():
            if not any(ch in "_.0123456789" for ch in m.group(2)):
                continue  # "Viber: napisz" is an instruction, not a username
            if blocked.covers(m.start(2)) or emails.covers(m.start(2)):
                continue
            found.append((m.start(2), m.end(2), f"{self.platform_of[m.group(1)]}:{m.group(2)}"))
            blocked.add(m.start(2), m.end(2))
        return sorted(found)

    @staticmethod
    def _links(text: str) -> list[tuple[int, int, str]]:
        """Handles read from messenger links."""
        found: list[tuple[int, int, str]] = []
        for pattern, platform, markers in ((_TELEGRAM_LINK, "telegram", (".me/", ".dog/", "tg://")), (_INSTAGRAM_LINK, "instagram", ("instagr",))):
            if not any(marker in text for marker in markers):
                continue
            for m in pattern.finditer(text):
                name = m.group(1).strip(".")
                if name not in _NOT_USERNAMES:
                    found.append((m.start(), m.end(), f"{platform}:{name}"))
        for pattern, platform, marker in ((_WHATSAPP_LINK, "whatsapp", "wha"), (_VIBER_LINK, "viber", "viber:"), (_SIGNAL_LINK, "signal", "signal.me")):
            if marker not in text:
                continue
            for m in pattern.finditer(text):
                e164 = _valid_e164("+" + m.group(1), None)
                if e164 is not None:
                    found.append((m.start(), m.end(), f"{platform}:{e164}"))
        return found

    def _platform_near(self, text: str, mentions: list[tuple[int, int, str]], start: int, end: int) -> str:
        i = _bisect_end(mentions, start)
        if i > 0 and mentions[i - 1][1] >= start - NAME_BEFORE:
            return mentions[i - 1][2]
        if i < len(mentions) and end <= mentions[i][0] <= end + NAME_AFTER:
            return mentions[i][2]
        return mentions[0][2] if mentions else DEFAULT_MESSENGER

    def phone_handles(
        self, text: str, phones: Iterable[PhoneHit], padded: str | None = None, words: WordHits | None = None
    ) -> list[tuple[int, int, str]]:
        """``platform:+E164`` for phones a messenger is named right before or after."""
        mentions = self.mentions(text, padded, words)
        if not mentions:
            return []
        ends = [m[1] for m in mentions]
        starts = [m[0] for m in mentions]
        found: list[tuple[int, int, str]] = []
        for phone in phones:
            platforms: list[str] = []
            i = bisect_right(ends, phone.start)
            while i > 0 and mentions[i - 1][1] >= phone.start - NAME_BEFORE:
                i -= 1
                if self._connectives.fullmatch(text, mentions[i][1], phone.start) is None:
                    break
                platforms.insert(0, mentions[i][2])
            for m_start, m_end, platform in mentions[bisect_left(starts, phone.end) :]:
                if m_start > phone.end + NAME_AFTER:
                    break
                if self._connectives.fullmatch(text, phone.end, m_start) is None:
                    break
                if _OWN_CONTACT.match(text, m_end):
                    break  # "..., Telegram @anna": that messenger has its own contact
                platforms.append(platform)
            for platform in dict.fromkeys(platforms):
                found.append((phone.start, phone.end, f"{platform}:{phone.e164}"))
        return found
