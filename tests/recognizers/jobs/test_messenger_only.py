"""``messenger_only``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "messenger_only"
KIND = "job_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Details only in Telegram.", "Telegram"),
    ("en", "Write to t.me/jobs_eu_demo", "t.me"),
    ("uk", "Пишіть у Вайбер.", "Вайбер"),
    ("ru", "Пишите в Ватсап.", "Ватсап"),
    ("pl", "Kontakt przez WhatsApp.", "WhatsApp"),
    ("de", "Infos per Telegram.", "Telegram"),
    ("cs", "Pište na Viber.", "Viber"),
    ("sk", "Kontakt cez WhatsApp.", "WhatsApp"),
    ("ro", "Scrie-ne pe Telegram.", "Telegram"),
    ("hu", "Írj Viberen.", "Viberen"),
    ("fr", "Contact par WhatsApp.", "WhatsApp"),
    ("it", "Scrivici su Telegram.", "Telegram"),
    ("es", "Escríbenos por WhatsApp.", "WhatsApp"),
    ("nl", "App ons via WhatsApp.", "App ons"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Apply on our careers page or by e-mail."),
    ("de", "Bewerbung bitte per Post oder E-Mail."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)
