"""Build the shipped inflected forms of lexicon words (``word_forms.json``) from simplemma.

Run at build time, after editing a lexicon, not at run time:
``python -m vigil.recognizers.word_forms_build`` (simplemma is a development dependency;
``pip install -e .[dev]``). Loading simplemma's dictionaries for every supported language
costs about twenty CPU seconds and a gigabyte, so workers read this small file instead.

For every word of at least :data:`~vigil.recognizers.word_forms.MIN_INFLECTED_CHARS`
letters in the lexicons' ``terms``, ``near`` and ``context`` (folded the way
the loader folds them), the file records its lemma (``null`` when the dictionary does not
know the word) and, per lemma, the forms the dictionary lists for it, shortest first:

* a word that is itself a headword keeps its own lemma ("arbeiten" stays the verb);
  otherwise the lemma the dictionary gives it ("pracy" -> "praca");
* a form is kept when it is one word of letters, at least as long as the shortest word
  expanded, and shares its first :data:`~vigil.recognizers.word_forms.SHARED_PREFIX`
  letters with the lemma or a lexicon word of that lemma (the loader then gives each word
  only the forms that share its own first letters: "nehovorí" gets "nehovoria", never
  "hovorí"; abbreviations and suppletive forms such as "jsem" / "není" are dropped).
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any, Final

import yaml

from vigil.recognizers.lexicon import COMMON_LEXICON, SAFE_LOADER, WordKind, parse_lexicon
from vigil.recognizers.word_forms import MIN_INFLECTED_CHARS, SHARED_PREFIX, WORD_FORMS_FILE

#: Where the lexicon folders live (every indicator, the reporting cues too).
LEXICON_ROOT: Final = Path(__file__).with_name("lexicons")
#: Most forms kept per lemma (shortest first): adjectives of inflected languages have ~30,
#: and their negated forms as many again.
MAX_FORMS_PER_LEMMA: Final = 64


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


def lexicon_words(root: Path = LEXICON_ROOT) -> dict[str, set[str]]:
    """Per language, the words of the lexicons that loading expands into their forms."""
    from vigil.extract.normalize import normalize

    def fold(text: str) -> str:
        return normalize(text).text

    words: dict[str, set[str]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.yaml")):
            if path.stem == COMMON_LEXICON:
                continue
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
            if not data.get("inflect", True):
                continue
            lexicon = parse_lexicon(folder.name, path.stem, data, fold, str(path), expand=False)
            for phrase in (*lexicon.terms, *lexicon.context):
                for position, word in enumerate(phrase.words):
                    if position == 0 and phrase.infix:
                        continue
                    literal = word.literal
                    if word.kind is WordKind.EXACT and len(literal) >= MIN_INFLECTED_CHARS and literal.isalpha():
                        words.setdefault(path.stem, set()).add(literal)
    return words


def _keeps(form: str, prefixes: set[str]) -> bool:
    return form.isalpha() and len(form) >= MIN_INFLECTED_CHARS and form[:SHARED_PREFIX] in prefixes


def language_forms(
    words: Iterable[str], dictionary: Mapping[str, str]
) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """``words`` -> lemma (or None), and lemma -> its kept forms, from a form -> lemma dictionary."""
    wanted = set(words)
    lemmas_of: dict[str, set[str]] = {}
    headwords: set[str] = set()
    for form, lemma in dictionary.items():
        folded_form, folded_lemma = _fold(form), _fold(lemma)
        if folded_form in wanted:
            lemmas_of.setdefault(folded_form, set()).add(folded_lemma)
        if folded_lemma in wanted:
            headwords.add(folded_lemma)
    chosen: dict[str, str | None] = {}
    for word in sorted(wanted):
        if word in headwords:
            chosen[word] = word
        elif word in lemmas_of:
            chosen[word] = sorted(lemmas_of[word], key=lambda lemma: (len(lemma), lemma))[0]
        else:
            chosen[word] = None
    targets = {lemma for lemma in chosen.values() if lemma is not None}
    prefixes = {lemma: {lemma[:SHARED_PREFIX]} for lemma in targets}
    for word, headword in chosen.items():
        if headword is not None:
            prefixes[headword].add(word[:SHARED_PREFIX])
    groups: dict[str, set[str]] = {lemma: {lemma} if _keeps(lemma, prefixes[lemma]) else set() for lemma in targets}
    for form, lemma in dictionary.items():
        folded_lemma = _fold(lemma)
        if folded_lemma in targets:
            folded_form = _fold(form)
            if _keeps(folded_form, prefixes[folded_lemma]):
                groups[folded_lemma].add(folded_form)
    for word, headword in chosen.items():
        if headword is not None:
            groups[headword].add(word)
    forms = {
        lemma: sorted(group, key=lambda form: (len(form), form))[:MAX_FORMS_PER_LEMMA]
        for lemma, group in sorted(groups.items())
    }
    for word, headword in chosen.items():
        if headword is not None and word not in forms[headword]:
            forms[headword].append(word)
    return chosen, forms


def build(languages: Iterable[str] | None = None) -> dict[str, Any]:
    """The content of ``word_forms.json`` for ``languages`` (every lexicon language when None)."""
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    factory = DefaultDictionaryFactory(cache_max_size=1)
    words = lexicon_words()
    sections: dict[str, Any] = {}
    for lang in sorted(words if languages is None else languages):
        chosen, forms = language_forms(words.get(lang, ()), factory.get_dictionary(lang))
        sections[lang] = {"words": chosen, "lemmas": forms}
    return {"generator": "vigil.recognizers.word_forms_build", "simplemma": version("simplemma"), "languages": sections}


def dumps(content: Mapping[str, Any]) -> str:
    """JSON with one word or lemma per line, so a lexicon edit shows as a short diff."""
    lines = ["{"]
    for key in ("generator", "simplemma"):
        lines.append(f"  {json.dumps(key)}: {json.dumps(content[key])},")
    lines.append('  "languages": {')
    languages = content["languages"]
    for i, (lang, section) in enumerate(sorted(languages.items())):
        lines.append(f"    {json.dumps(lang)}: {{")
        for part in ("words", "lemmas"):
            entries = sorted(section[part].items())
            lines.append(f'      "{part}": {{')
            lines.extend(
                f"        {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                + ("," if j < len(entries) - 1 else "")
                for j, (k, v) in enumerate(entries)
            )
            lines.append("      }" + ("," if part == "words" else ""))
        lines.append("    }" + ("," if i < len(languages) - 1 else ""))
    lines.extend(["  }", "}"])
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", type=Path, default=WORD_FORMS_FILE)
    args = parser.parse_args()
    content = build()
    args.output.write_text(dumps(content), encoding="utf-8")
    languages = content["languages"]
    known = sum(1 for s in languages.values() for lemma in s["words"].values() if lemma is not None)
    print(f"wrote the forms of {known} lexicon words in {len(languages)} languages to {args.output}")


if __name__ == "__main__":
    main()
