"""``new_arrival``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "new_arrival"
KIND = "sex_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Hi, I'm new in town, come say hello.", "new in town"),
    ("en", "𝐍𝐄𝐖 𝐈𝐍 𝐓𝐎𝐖𝐍 this week", "𝐍𝐄𝐖 𝐈𝐍 𝐓𝐎𝐖𝐍"),
    ("en", "n3w in t0wn, call me", "n3w in t0wn"),
    ("uk", "Я новенька, пиши.", "новенька"),
    ("ru", "Только приехала в Минск.", "Только приехала"),
    ("pl", "Dopiero przyjechałam do Wrocławia.", "Dopiero przyjechałam"),
    ("de", "Gerade angekommen in Berlin!", "Gerade angekommen"),
    ("cs", "Novinka v Plzni, volejte.", "Novinka"),
    ("sk", "Práve som prišla do Trenčína.", "Práve som prišla"),
    ("ro", "Sunt nouă în oraș, sună-mă.", "nouă în oraș"),
    ("hu", "Most érkeztem Győrbe.", "Most érkeztem"),
    ("fr", "Tout juste arrivée à Nantes.", "Tout juste arrivée"),
    ("it", "Appena arrivata a Genova.", "Appena arrivata"),
    ("es", "Recién llegada a Valencia.", "Recién llegada"),
    ("nl", "Net aangekomen in Breda.", "Net aangekomen"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Not new in town, I have lived here for years."),
    ("uk", "Не новенька, у Києві давно."),
    ("de", "Nicht neu in der Stadt."),
    ("pl", "Nie jestem nowa w mieście."),
    ("en", "Brand-name cosmetics shop opening."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)
