"""``multiple_workers``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "multiple_workers"
KIND = "sex_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Choose from our lovely ladies.", "Choose from"),
    ("en", "12 girls waiting in the studio.", "12 girls"),
    ("uk", "У нас великий вибір дівчат.", "великий вибір"),
    ("ru", "Большой выбор девушек в центре.", "Большой выбор"),
    ("pl", "Duży wybór pań w klubie.", "Duży wybór"),
    ("de", "Große Auswahl an Damen.", "Auswahl"),
    ("cs", "Výběr z mnoha dívek.", "Výběr z"),
    ("sk", "Výber z desiatich dievčat.", "Výber z"),
    ("ro", "Alege dintre fetele noastre.", "Alege dintre"),
    ("hu", "Több lány vár rád.", "Több lány"),
    ("fr", "Plusieurs filles vous attendent.", "Plusieurs filles"),
    ("it", "Diverse ragazze ti aspettano.", "Diverse ragazze"),
    ("es", "Varias chicas te esperan.", "Varias chicas"),
    ("nl", "Meerdere dames aanwezig.", "Meerdere dames"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Just me, a single independent lady."),
    ("de", "Nur ich, keine anderen Damen."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)
