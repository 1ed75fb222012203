"""``document_retention``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "document_retention"
KIND = "job_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "The employer will keep your passport.", "employer will keep your passport"),
    ("uk", "Паспорт зберігається у бригадира.", "Паспорт зберігається"),
    ("ru", "Паспорт сдаёте менеджеру.", "Паспорт сдаёте"),
    ("pl", "Pracodawca zatrzymuje paszporty.", "zatrzymuje paszporty"),
    ("de", "Pässe werden bei Ankunft eingesammelt.", "Pässe werden bei Ankunft eingesammelt"),
    ("cs", "Pas odevzdáte vedoucímu.", "Pas odevzdáte"),
    ("sk", "Pas si ponechá koordinátor.", "Pas si ponechá"),
    ("ro", "Pașaportul rămâne la angajator.", "Pașaportul rămâne la"),
    ("hu", "Az útlevelet a cég megőrzi.", "útlevelet a cég megőrzi"),
    ("fr", "Le passeport sera conservé par l'agence.", "passeport sera conservé"),
    ("it", "Il passaporto viene trattenuto in ufficio.", "passaporto viene trattenuto"),
    ("es", "Hay que entregar el pasaporte al llegar.", "entregar el pasaporte"),
    ("nl", "Je paspoort wordt bewaard op kantoor.", "paspoort wordt bewaard"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "You keep your passport at all times."),
    ("uk", "Не віддавайте паспорт нікому."),
    ("ru", "Никогда не отдавайте паспорт работодателю."),
    ("de", "Ihr Pass bleibt bei Ihnen."),
    ("fr", "L'employeur ne peut pas confisquer votre passeport."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)
