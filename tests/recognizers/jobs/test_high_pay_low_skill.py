"""``high_pay_low_skill``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "high_pay_low_skill"
KIND = "job_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Packers wanted, easy money every week.", "easy money"),
    ("en", "Helpers earn 4200 EUR per month.", "4200 EUR"),
    ("uk", "Висока зарплата для прибиральниць.", "Висока зарплата"),
    ("ru", "Высокая зарплата, работа простая.", "Высокая зарплата"),
    ("pl", "Wysokie zarobki dla pomocników.", "Wysokie zarobki"),
    ("de", "Hoher Verdienst für Helfer.", "Hoher Verdienst"),
    ("cs", "Vysoký výdělek pro pomocníky.", "Vysoký výdělek"),
    ("sk", "Vysoký plat pre pomocníkov.", "Vysoký plat"),
    ("ro", "Salariu mare pentru ajutoare.", "Salariu mare"),
    ("hu", "Magas fizetés segédmunkásoknak.", "Magas fizetés"),
    ("fr", "Salaire élevé pour manutentionnaires.", "Salaire élevé"),
    ("it", "Stipendio alto per magazzinieri.", "Stipendio alto"),
    ("es", "Sueldo alto para mozos de almacén.", "Sueldo alto"),
    ("nl", "Hoog salaris voor inpakkers.", "Hoog salaris"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Salary 32,000 EUR gross per year, senior engineer."),
    ("de", "Vergütung 2.400 € brutto nach Tarif."),
    ("en", "Pay: 12.50 EUR per hour."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)
