"""Language detection over the supported languages (one row per language)."""

from __future__ import annotations

import pickle

import pytest

from vigil.extract.language import SUPPORTED_LANGUAGES, LanguageDetector, build_detector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return build_detector()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Looking for workers in a warehouse, accommodation provided, good pay every week", "en"),
        ("Шукаємо працівників на склад у Польщі, житло безкоштовно, оплата щотижня", "uk"),
        ("Ищем работников на склад в Польше, жильё бесплатно, оплата каждую неделю", "ru"),
        ("Szukamy pracowników do magazynu, zakwaterowanie zapewnione, wypłata co tydzień", "pl"),
        ("Wir suchen Mitarbeiter für das Lager, Unterkunft wird gestellt, wöchentliche Bezahlung", "de"),
        ("Hledáme pracovníky do skladu, ubytování zajištěno, výplata každý týden", "cs"),
        ("Hľadáme pracovníkov do skladu, ubytovanie zabezpečené, výplata každý týždeň", "sk"),
        ("Căutăm muncitori pentru depozit, cazare asigurată, plata în fiecare săptămână", "ro"),
        ("Raktári munkatársakat keresünk, szállást biztosítunk, heti fizetés", "hu"),
        ("Nous cherchons des ouvriers pour un entrepôt, logement fourni, paie chaque semaine", "fr"),
        ("Cerchiamo operai per il magazzino, alloggio fornito, paga ogni settimana", "it"),
        ("Buscamos trabajadores para el almacén, alojamiento incluido, pago cada semana", "es"),
        ("Wij zoeken medewerkers voor het magazijn, huisvesting geregeld, wekelijks betaald", "nl"),
        ("Procuramos trabalhadores para o armazém, alojamento incluído, pagamento semanal", "pt"),
        ("Depo için işçi arıyoruz, konaklama sağlanır, haftalık ödeme yapılır", "tr"),
        ("Ieškome darbuotojų į sandėlį, apgyvendinimas suteikiamas, atlyginimas kas savaitę", "lt"),
    ],
)
def test_detects_each_supported_language(detector: LanguageDetector, text: str, lang: str) -> None:
    assert detector.detect(text) == lang


def test_every_supported_language_has_a_row() -> None:
    assert len(SUPPORTED_LANGUAGES) == 16


@pytest.mark.parametrize("text", ["", "12345 +48", "🔥🔥🔥", "\ud800"])
def test_text_without_letters_gets_the_default(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) in SUPPORTED_LANGUAGES


def test_answers_only_supported_languages(detector: LanguageDetector) -> None:
    # Belarusian and Slovene are not supported: the answer is the nearest supported one.
    assert detector.detect("Шукаем працаўнікоў на склад, жыллё бясплатна") in SUPPORTED_LANGUAGES
    assert detector.detect("Iščemo delavce za skladišče, nastanitev zagotovljena") in SUPPORTED_LANGUAGES


def test_detector_pickles(detector: LanguageDetector) -> None:
    copy = pickle.loads(pickle.dumps(detector))
    assert copy.detect("Szukamy pracowników do magazynu") == "pl"
