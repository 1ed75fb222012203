"""Site profiles: the shipped examples load, and every broken profile is refused naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.collect.fetch import user_agent
from vigil.collect.profiles import EXAMPLES_DIR, all_profiles, find_profile, load_profile, parse_profile
from vigil.errors import ConfigError, NotFoundError

GOOD = """\
name: board
platform: Board
start_urls: ["https://board.example.org/list"]
links:
  ad: ["/ad/"]
"""


def test_the_shipped_examples_load() -> None:
    profiles = all_profiles(EXAMPLES_DIR)
    assert {p.name for p in profiles} == {"example-classifieds", "example-job-feed"}
    assert all(p.hosts() and p.source_name.startswith("collect:") for p in profiles)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("platform: Board\n", ""), "p.yaml:1: platform: Field required"),
        (GOOD.replace("https://board.example.org/list", "javascript:alert(1)"), "p.yaml:3: start_urls: Value error, 'javascript:alert(1)' is not an http(s) URL"),
        (GOOD.replace('["/ad/"]', '["/ad/(["]'), "p.yaml:5: links.ad: Value error, '/ad/(['"),
        (GOOD + "speed: fast\n", "p.yaml:6: speed: Extra inputs are not permitted"),
        (GOOD + "kind: escort\n", "p.yaml:6: kind: Value error, use one of sex_ad"),
        (GOOD + "delay_seconds: -1\n", "p.yaml:6: delay_seconds: Input should be greater than or equal to 0"),
        (GOOD.replace("name: board", "name: Board Site"), "p.yaml:1: name: Value error"),
        (GOOD.replace('start_urls: ["https://board.example.org/list"]\n', ""), "p.yaml:1: (profile): Value error, give start_urls or feeds"),
        ("name: [unclosed\n", "p.yaml:2: not valid YAML"),
        ("- just a list\n", "p.yaml:1: a profile is a mapping"),
    ],
)
def test_broken_profiles_name_file_line_and_field(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_profile(text, "p.yaml")
    assert expected in str(caught.value)


def test_a_good_profile_and_its_defaults() -> None:
    profile = parse_profile(GOOD, "p.yaml")
    assert (profile.kind, profile.delay_seconds, profile.max_retries, profile.revisit_ads) == ("other", None, 3, True)
    assert profile.hosts() == frozenset({"board.example.org"})


def test_profile_files_are_named_by_their_profile(tmp_path: Path) -> None:
    (tmp_path / "other.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"must be in a file named board\.yaml"):
        load_profile(tmp_path / "other.yaml")
    with pytest.raises(NotFoundError, match="no profile 'board'"):
        find_profile(tmp_path, "board")
    with pytest.raises(ConfigError, match=r"other\.yaml"):
        all_profiles(tmp_path)
    (tmp_path / "other.yaml").rename(tmp_path / "board.yaml")
    assert find_profile(tmp_path, "board").name == "board"
    assert find_profile(tmp_path, str(tmp_path / "board.yaml")).name == "board"


@pytest.mark.parametrize("contact", [None, "", "   "])
def test_crawling_without_a_contact_is_refused(contact: str | None) -> None:
    with pytest.raises(ConfigError, match="collect_contact"):
        user_agent(contact)


def test_the_user_agent_names_the_contact() -> None:
    assert user_agent(" https://vigil.example.org/crawler ").endswith("(+https://vigil.example.org/crawler)")
