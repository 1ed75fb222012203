"""``upfront_fee``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "upfront_fee"
KIND = "job_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Pay a placement fee of 200 EUR first.", "Pay a placement"),
    ("uk", "Передоплата за оформлення 100 євро.", "Передоплата"),
    ("ru", "Предоплата 150 евро за документы.", "Предоплата"),
    ("pl", "Kaucja 400 zł przed wyjazdem.", "Kaucja"),
    ("de", "Vermittlungsgebühr 300 Euro vorab.", "Vermittlungsgebühr"),
    ("cs", "Poplatek 2000 Kč předem.", "Poplatek"),
    ("sk", "Poplatok 100 eur vopred.", "Poplatok"),
    ("ro", "Taxă de 200 euro în avans.", "Taxă"),
    ("hu", "Regisztrációs díj 20 000 Ft.", "díj"),
    ("fr", "Frais de dossier 150 €.", "Frais de dossier"),
    ("it", "Quota di iscrizione 100 euro.", "Quota di iscrizione"),
    ("es", "Hay que pagar 200 euros por adelantado.", "Hay que pagar"),
    ("nl", "Inschrijfkosten 150 euro.", "Inschrijfkosten"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "We never charge fees to candidates."),
    ("en", "No fee, no deposit, free of charge."),
    ("en", "We do not charge any recruitment fee."),
    ("uk", "Жодних передоплат, працевлаштування безкоштовне."),
    ("ru", "Никакой предоплаты мы не берём."),
    ("pl", "Nie pobieramy żadnych opłat."),
    ("de", "Wir erheben keine Gebühren."),
    ("cs", "Poplatky neúčtujeme."),
    ("hu", "Díjat nem kérünk."),
    ("fr", "Aucun frais pour les candidats."),
    ("es", "No cobramos ninguna tasa."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)
