"""Language detection for documents that arrive without ``lang``.

py3langid (a naive-Bayes byte n-gram model) restricted to the languages Vigil supports:
restricting the classes makes it faster and stops it answering with a neighbour such as
Belarusian or Slovene for a short ad. The model is loaded once, by :func:`build_detector`.
"""

from __future__ import annotations

from typing import Final

from vigil.errors import ConfigError
from vigil.extract.resources import load_yaml

#: ISO 639-1 codes Vigil detects: the 13 indicator languages, then pt, tr and lt.
SUPPORTED_LANGUAGES: Final = (
    "en", "uk", "ru", "pl", "de", "cs", "sk", "ro", "hu", "fr", "it", "es", "nl", "pt", "tr", "lt",
)
#: Answer for text with no letters at all (empty, digits, emoji only).
DEFAULT_LANGUAGE: Final = "en"
#: Characters looked at: the start of an ad says enough, and the cost grows with length.
MAX_DETECT_CHARS: Final = 600


class LanguageDetector:
    """Callable ``detect(text) -> ISO 639-1 code`` over :data:`SUPPORTED_LANGUAGES`."""

    def __init__(self, languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier  # deferred: loads a model file

        try:
            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
            identifier.set_languages(list(languages))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load the language model: {exc}") from exc
        self.languages = languages
        self._identifier = identifier
        markers = load_yaml("languages.yaml")["markers"]
        self.markers: dict[str, frozenset[str]] = {
            str(lang): frozenset(str(letters)) for lang, letters in markers.items() if lang in languages
        }

    def __reduce__(self) -> tuple[type[LanguageDetector], tuple[tuple[str, ...]]]:
        # Rebuilt in the receiving process rather than shipping the model arrays.
        return (LanguageDetector, (self.languages,))

    def detect(self, text: str) -> str:
        """The most likely supported language of ``text``."""
        sample = text[:MAX_DETECT_CHARS]
        if not any(ch.isalpha() for ch in sample):
            return DEFAULT_LANGUAGE
        lang = str(self._identifier.classify(sample)[0])
        if lang not in self.markers:
            return lang
        letters = set(sample.casefold())
        present = {code for code, marks in self.markers.items() if marks & letters}
        if not present or lang in present:
            return lang
        for candidate, _score in self._identifier.rank(sample):
            if candidate in present:
                return str(candidate)
        return lang

    __call__ = detect


def build_detector(languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> LanguageDetector:
    """Load the language model once; pass the detector to whatever needs it."""
    return LanguageDetector(languages)
