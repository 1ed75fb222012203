"""``third_party``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "third_party"
KIND = "sex_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Sweet Anna. All bookings through my manager only.", "my manager"),
    ("en", "Call the driver, he will bring Lena to you.", "the driver"),
    ("en", "Ask our 👑 about the girls", "👑"),
    ("uk", "Зустрічі тільки через адміністратора, дзвоніть.", "через адміністратора"),
    ("ru", "Запись через оператора, девушка не отвечает сама.", "оператора"),
    ("pl", "Kontakt wyłącznie przez opiekuna, dziękuję.", "opiekuna"),
    ("de", "Termine macht mein Fahrer, bitte nur SMS.", "Fahrer"),
    ("cs", "Rezervace jen přes recepční, děkujeme.", "recepční"),
    ("sk", "Stretnutia dohaduje môj manažér.", "manažér"),
    ("ro", "Programările se fac prin șofer.", "prin șofer"),
    ("hu", "Időpontot a menedzser ad.", "menedzser"),
    ("fr", "Rendez-vous avec mon chauffeur uniquement.", "chauffeur"),
    ("it", "Contattate il mio autista per gli appuntamenti.", "autista"),
    ("es", "Citas con la encargada del piso.", "encargada"),
    ("nl", "Afspraken maak je met mijn chauffeur.", "chauffeur"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Independent lady, no agency and no manager."),
    ("en", "I am not with an agency."),
    ("uk", "Без агентства, працюю сама."),
    ("ru", "Никакого агентства, только я."),
    ("pl", "Bez agencji, sama sobie szefową."),
    ("de", "Keine Agentur, kein Fahrer."),
    ("hu", "Ügynökség nélkül dolgozom."),
    ("fr", "Pas d'agence, je suis indépendante."),
    ("es", "Sin agencia, trabajo sola."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)
