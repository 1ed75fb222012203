"""Registry files: every fact has a source; bad input is refused whole, naming line and field; nothing stored is lost."""

from __future__ import annotations

import pytest

from vigil.errors import InputError
from vigil.platforms.catalogue import PlatformEntry, parse_csv, parse_yaml, seed_catalogue, to_csv, to_yaml
from vigil.platforms.categories import load_categories
from vigil.platforms.registry import list_platforms, save_entries
from vigil.store import Store

GOOD = """\
platforms:
  - name: Example Jobs
    category: job_classified
    domains: [www.example-jobs.test]
    countries: [pl, UA]
    languages: [uk]
    reporting_mechanism: true
    source: synthetic catalogue for tests
    sources:
      domains: synthetic WHOIS note
"""


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        pytest.param("platforms:\n  - name: A\n    category: [unclosed\n", 4, None, "malformed YAML", id="malformed-yaml"),
        pytest.param("platforms:\n  - name: A\n    category: casino\n    source: s\n", 3, "category", "unknown category", id="unknown-category"),
        pytest.param("platforms:\n  - name: A\n    category: escort\n", 2, "source", "needs a source", id="no-source"),
        pytest.param("platforms:\n  - name: A\n    category: escort\n    source: '  '\n", 4, "source", "at least 1", id="blank-source"),
        pytest.param(
            "platforms:\n  - name: A\n    category: escort\n    domains: [a.test]\n    source: s\n"
            "  - name: B\n    category: escort\n    domains: [WWW.A.test]\n    source: s\n",
            8, "domains", "already claimed on line 4", id="duplicate-domain",
        ),
        pytest.param(
            "platforms:\n  - name: A\n    category: escort\n    source: s\n  - name: a\n    category: escort\n    source: s\n",
            5, "name", "already listed on line 2", id="duplicate-name",
        ),
        pytest.param("platforms:\n  - name: A\n    category: escort\n    countries: [Poland]\n    source: s\n", 4, "countries", "ISO 3166", id="bad-country"),
        pytest.param("platforms:\n  - name: A\n    category: escort\n    domains: ['not a domain']\n    source: s\n", 4, "domains", "not a domain", id="bad-domain"),
        pytest.param("platforms:\n  - name: A\n    category: escort\n    source: s\n    rating: 5\n", 5, "rating", "not permitted", id="unknown-field"),
        pytest.param("platforms:\n  - name: A\n    category: escort\n    source: s\n    sources: {owner: x}\n", 5, "sources", "owner", id="source-for-unknown-fact"),
        pytest.param("platforms:\n  - name: A\n    category: escort\n    reporting_mechanism: false\n    reporting_trafficking_option: true\n    source: s\n",
                     2, None, "reporting_mechanism is false", id="option-without-mechanism"),
        pytest.param("sites:\n  - name: A\n", 1, None, "under 'platforms:'", id="wrong-top-level"),
    ],
)
def test_bad_yaml_names_line_and_field(text: str, line: int, field: str | None, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_yaml(text, "bad.yaml")
    message = str(caught.value)
    assert f"line {line}" in message, message
    if field:
        assert f"field {field}" in message, message
    assert words in message, message
    assert "nothing was stored" in message


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        pytest.param("name,category,source\nA,casino,s\n", 2, "category", "unknown category", id="unknown-category"),
        pytest.param("name,category,source\nA,escort,s\nB,escort,\n", 3, "source", "needs a source", id="no-source"),
        pytest.param("name,category,domains,source\nA,escort,a.test,s\nB,escort,x.test;a.test,s\n", 3, "domains", "already claimed", id="duplicate-domain"),
        pytest.param("name,category,reporting_mechanism,source\nA,escort,maybe,s\n", 2, "reporting_mechanism", "boolean", id="bad-bool"),
        pytest.param("name,category,rating,source\nA,escort,5,s\n", 1, None, "unknown columns: rating", id="unknown-column"),
        pytest.param('name,category,notes,source\nA,escort,"two\nlines",s\nB,casino,,s\n', 4, "category", "unknown category", id="line-after-multiline-cell"),
    ],
)
def test_bad_csv_names_line_and_field(text: str, line: int, field: str | None, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_csv(text, "bad.csv")
    message = str(caught.value)
    assert f"line {line}" in message, message
    if field:
        assert f"field {field}" in message, message
    assert words in message, message


def test_every_problem_of_a_file_is_reported() -> None:
    text = "platforms:\n  - name: A\n    category: casino\n    source: s\n  - name: B\n    category: escort\n"
    with pytest.raises(InputError) as caught:
        parse_yaml(text)
    assert [p["line"] for p in caught.value.details["problems"]] == [3, 5]  # type: ignore[index]


def test_a_good_entry_is_normalized_and_every_fact_has_a_source() -> None:
    (located,) = parse_yaml(GOOD)
    entry = located.entry
    assert entry.domains == ["example-jobs.test"]
    assert entry.countries == ["PL", "UA"]
    assert entry.source_of("domains") == "synthetic WHOIS note"
    assert entry.source_of("countries") == "synthetic catalogue for tests"
    assert located.line_of("domains") == 4


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_seed_catalogue_round_trips(fmt: str) -> None:
    entries = [located.entry for located in seed_catalogue()]
    text = to_csv(entries) if fmt == "csv" else to_yaml(entries)
    again = parse_csv(text) if fmt == "csv" else parse_yaml(text)
    assert [located.entry for located in again] == entries


def test_seed_catalogue_holds_htcds_services_each_with_sources() -> None:
    entries = {located.entry.name: located.entry for located in seed_catalogue()}
    for name in ("Telegram", "Viber", "WhatsApp", "Facebook", "Instagram", "TikTok", "SnapChat", "WeChat", "Twitter"):
        assert name in entries
    for entry in entries.values():
        assert "HTCDS" in entry.source
        assert entry.sources.get("category"), entry.name
        for fact in entry.facts():
            assert entry.source_of(fact).strip(), (entry.name, fact)
        # No invented facts about real services: nothing beyond name, category, notes and monitoring.
        assert set(entry.facts()) <= {"name", "category", "notes", "monitoring"}, entry.name


def test_every_category_has_a_prior_between_zero_and_one() -> None:
    categories = load_categories()
    assert {"escort", "sugar_dating", "job_classified", "messaging", "cloud_storage"} <= set(categories.ids)
    assert all(0 <= c.prior <= 1 for c in categories.by_id.values())


def test_a_refused_import_keeps_what_was_stored(store: Store) -> None:
    with store.session() as session:
        save_entries(session, parse_yaml(GOOD), "good.yaml")
    clash = "platforms:\n  - name: New Board\n    category: escort\n    source: s\n" \
            "  - name: Other\n    category: escort\n    domains: [example-jobs.test]\n    source: s\n"
    with pytest.raises(InputError) as caught, store.session() as session:
        save_entries(session, parse_yaml(clash), "clash.yaml")
    assert "line 7, field domains: domain example-jobs.test already belongs to Example Jobs" in str(caught.value)
    with store.session() as session:
        stored = list_platforms(session)
    assert [(row.name, entry.domains) for row, entry in stored] == [("Example Jobs", ["example-jobs.test"])]


def test_an_import_updates_by_name_and_keeps_other_entries(store: Store) -> None:
    with store.session() as session:
        save_entries(session, parse_yaml(GOOD), "good.yaml")
        save_entries(session, seed_catalogue(), "seed")
    update = GOOD.replace("www.example-jobs.test", "jobs.example.test").replace("name: Example Jobs", "name: example jobs")
    with store.session() as session:
        result = save_entries(session, parse_yaml(update), "update.yaml")
    assert (result.added, result.updated) == ([], ["example jobs"])
    with store.session() as session:
        stored = {entry.name: entry for _, entry in list_platforms(session)}
    assert stored["example jobs"].domains == ["jobs.example.test"]
    assert len(stored) == 1 + len(seed_catalogue())


def test_entry_without_source_is_rejected_by_the_model() -> None:
    with pytest.raises(ValueError, match="source"):
        PlatformEntry.model_validate({"name": "A", "category": "escort"})
