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
    # A monthly amount of 2,000 EUR, USD, GBP or CHF and more, one row per language.
    ("en", "Packers in Germany, 2,800 EUR net, no experience.", "2,800 EUR"),
    ("uk", "Пакування на складі, 2500 € на руки, без досвіду.", "2500 €"),
    ("ru", "Nuzhny stroiteli, zarplata 3500 evro chistymi.", "3500 evro"),
    ("pl", "Pakowanie w Holandii, 2 600 EUR netto na rękę.", "2 600 EUR"),
    ("de", "Helfer in der Schweiz, 5.000 CHF im Monat.", "5.000 CHF"),
    ("cs", "Pomocní dělníci, mzda 2 900 € měsíčně.", "2 900 €"),
    ("sk", "Práca v sklade, 2 700 € mesačne na ruku.", "2 700 €"),
    ("ro", "Muncitori pentru abator, 2400 euro net pe luna.", "2400 euro"),
    ("hu", "Csomagolói munka, havi 3500 € nettó.", "3500 €"),
    ("fr", "Manutentionnaires, 2 900 € net par mois.", "2 900 €"),
    ("it", "Operai per il magazzino, 2.500 euro netti al mese.", "2.500 euro"),
    ("es", "Mozos de almacén, 2.600 euros netos al mes.", "2.600 euros"),
    ("nl", "Inpakkers gezocht, €2.800 netto per maand.", "€2.800"),
    # Pay by the night or evening from 100, by the day or the shoot from 200.
    ("de", "Bar in Belgrad, 150 € pro Abend + Provision.", "150 € pro Abend"),
    ("it", "Hostess nei locali notturni, guadagni fino a 500 € a sera.", "500 € a sera"),
    ("uk", "Супровід на виставках, від 300 € за день.", "300 € за день"),
    ("fr", "Tournage de clips à Dubaï, 1 500 € par jour !", "1 500 € par jour"),
    ("nl", "Lingerieshoots in Milaan, 2.000 € per shoot!", "2.000 € per shoot"),
    ("pl", "Recepcja w salonie, 200 funtów dziennie.", "200 funtów dziennie"),
    ("cs", "Hostesky do kasina, 2 500 Kč/noc.", "2 500 Kč/noc"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Salary 32,000 EUR gross per year, senior engineer."),
    ("de", "Vergütung 2.400 € brutto nach Tarif."),
    ("en", "Pay: 12.50 EUR per hour."),
    ("en", "Sous chef, €40,000/yr, 5 days, staff meals."),
    # 1,000 to 1,999 a month is the going wage for the work, not pay far above it.
    ("en", "Warehouse operative, permanent contract, €1,450 net per month."),
    ("uk", "Водії категорії CE, 1400 € на місяць, офіційний контракт."),
    ("ru", "Ресторан ищет повара. Договор, 1400 € до налогов, график 5/2."),
    ("pl", "Opiekunki w Niemczech, wynagrodzenie 1700 EUR netto."),
    ("de", "Koch gesucht, 1.900 € netto, Tarifvertrag."),
    ("cs", "Kuchař do restaurace, 1 600 € měsíčně, smlouva."),
    ("sk", "Agentúra Senior Care, 1 600 € netto, doprava hradená."),
    ("ro", "Menajera pentru familie, 1500 euro, casa si masa."),
    ("hu", "Gondozónő olasz családhoz, havi 1300 €."),
    ("fr", "Commis de cuisine, CDD 5 mois, 1 800 € net."),
    ("it", "Trattoria cerca cameriere, contratto CCNL turismo, 1.400 € netti."),
    ("es", "Contrato indefinido, 1.350 € netos, 40 h."),
    ("nl", "Kok gezocht, €1.900 netto per maand, vast contract."),
    # A labourer's day rate, and local money by the day.
    ("fr", "Maçons, manœuvres, 120 € par jour."),
    ("de", "Fahrer für Umzugsfirma, 150 € pro Tag."),
    ("uk", "Помічниця по господарству, 1000 грн/день."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)
