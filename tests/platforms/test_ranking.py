"""Documents tie to platforms; the rank combines prior, observed figures and safety gaps, and explains itself."""

from __future__ import annotations

import pytest
from platforms_support import Doc, PutDocs, put_alert

from vigil.platforms.catalogue import parse_yaml
from vigil.platforms.ranking import compare, rank_platforms
from vigil.platforms.registry import PlatformMatcher, find_platform, save_entries
from vigil.store import Store

MAP = """\
platforms:
  - name: Example Escort Board
    category: escort
    aliases: [EEB]
    domains: [escort-board.test]
    source: synthetic
  - name: Example Jobs
    category: job_classified
    domains: [example-jobs.test]
    url_patterns: [classifieds.test/jobs/*]
    reporting_mechanism: true
    reporting_trafficking_option: true
    source: synthetic
  - name: Example Chat
    category: messaging
    source: synthetic
"""


@pytest.fixture
def mapped(store: Store) -> Store:
    with store.session() as session:
        save_entries(session, parse_yaml(MAP), "map.yaml")
    return store


@pytest.mark.parametrize(
    ("platform", "url", "expected"),
    [
        ("Example Jobs", None, "Example Jobs"),
        ("  example JOBS ", None, "Example Jobs"),
        ("eeb", None, "Example Escort Board"),
        (None, "https://www.example-jobs.test/offer/1", "Example Jobs"),
        (None, "https://kyiv.example-jobs.test/offer/1", "Example Jobs"),
        ("example-jobs.test", None, "Example Jobs"),
        (None, "http://classifieds.test/jobs/123", "Example Jobs"),
        # Negatives: look-alike hosts, other paths, unknown names, junk URLs.
        (None, "https://evil-example-jobs.test/offer", None),
        (None, "https://example-jobs.test.evil.test/", None),
        (None, "http://classifieds.test/cars/1", None),
        ("Unknown Board", None, None),
        (None, "http://[::1", None),
        (None, None, None),
    ],
)
def test_documents_tie_to_platforms(mapped: Store, platform: str | None, url: str | None, expected: str | None) -> None:
    with mapped.session() as session:
        matcher = PlatformMatcher.from_session(session)
        found = matcher.match(platform, url)
        row = find_platform(session, str(found)) if found is not None else None
    assert (row.name if row else None) == expected


def test_rank_reflects_observed_figures_and_explains_itself(mapped: Store, put_docs: PutDocs) -> None:
    put_docs(mapped, [
        *(Doc(f"j{i}", platform="Example Jobs", level="high", indicators=("upfront_fee",), cluster="net-1") for i in range(12)),
        Doc("j-x", url="https://example-jobs.test/x", level="low"),
        Doc("c1", platform="Example Chat", level="low", cluster="net-1"),
        Doc("c2", platform="example chat", level="low"),
        Doc("u1", platform="Unmapped Forum"), Doc("u2", url="https://unmapped.test/a"),
    ])
    put_alert(mapped, "platform:example jobs", "up")
    put_alert(mapped, "platform:example chat", "down")
    with mapped.session() as session:
        ranked = rank_platforms(session)
    by_name = {r.row.name: r for r in ranked}
    jobs, chat, escort = by_name["Example Jobs"], by_name["Example Chat"], by_name["Example Escort Board"]
    assert jobs.observed.totals.to_json() == {"documents": 13, "flagged": 12, "high_risk": 12}
    assert (len(jobs.observed.networks), len(jobs.observed.shared_networks)) == (1, 1)
    assert (jobs.observed.alerts_up, chat.observed.alerts_up, len(chat.observed.alerts)) == (1, 0, 1)
    assert [r.row.name for r in ranked] == ["Example Jobs", "Example Chat", "Example Escort Board"]
    # The chat service shares a network with the jobs site: that and its volume outweigh the escort prior.
    chat_over_escort = compare(chat, escort)
    assert {d.factor for d in chat_over_escort.for_above} >= {"networks", "volume"}
    assert "1 networks, 1 shared with other platforms" in chat_over_escort.for_above[0].higher + chat_over_escort.for_above[1].higher
    # The escort board has the higher prior but nothing observed; the jobs site's figures put it above.
    why = compare(escort, jobs)
    assert why.above is jobs
    assert [d.factor for d in why.for_above][:2] == ["high_risk", "indicator_rate"]
    assert "12 high-risk leads of 13 documents" in why.for_above[0].higher
    assert [d.factor for d in why.for_below] == ["safety_gaps", "category"]  # its larger safety gaps and riskier kind count for it
    assert why.summary().startswith("Example Jobs ranks above Example Escort Board by ")
    assert abs(sum(f.contribution for f in jobs.factors) - jobs.score) < 1e-9


def test_few_documents_do_not_top_the_map(mapped: Store, put_docs: PutDocs) -> None:
    put_docs(mapped, [Doc("one", platform="Example Chat", level="high", indicators=("urgency",))])
    put_docs(mapped, [Doc(f"e{i}", platform="EEB", level="high", indicators=("youth",)) for i in range(40)])
    with mapped.session() as session:
        ranked = {r.row.name: r for r in rank_platforms(session)}
    one, many = ranked["Example Chat"].factor("high_risk"), ranked["Example Escort Board"].factor("high_risk")
    assert one.value < 0.2 < many.value


def test_unaudited_gap_is_halfway_and_an_audit_moves_it(mapped: Store) -> None:
    from vigil.platforms.audit import parse_settings, run_checks, store_audit

    with mapped.session() as session:
        before = {r.row.name: r.factor("safety_gaps").value for r in rank_platforms(session)}
        settings = parse_settings("source: synthetic\nminor_account_defaults:\n  profile_visibility: public\n")
        store_audit(session, find_platform(session, "Example Chat"), settings, run_checks(settings))
    with mapped.session() as session:
        after = {r.row.name: r for r in rank_platforms(session)}
    assert before["Example Chat"] == 0.5
    assert before["Example Jobs"] == 0.25  # reporting with a trafficking option; not audited
    assert after["Example Chat"].factor("safety_gaps").value > 0.5
    assert "1 failed" in after["Example Chat"].factor("safety_gaps").evidence
