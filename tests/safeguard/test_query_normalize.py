"""The skeleton folds scripts, spellings and inflection variants onto one key."""

from __future__ import annotations

import pytest

from vigil.safeguard.normalize import deleet, skeleton, split_age


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (["українка", "украинка", "ukrainka", "ukrajinka", "ukrayinka"], "ukrainka"),
        (["проститутки", "prostitutki"], "prostitutki"),
        (["шлюха", "shlyukha"], "sliuha"),
        (["sex", "секс", "seks"], "seks"),
        (["польща", "polshcha"], "polsa"),
        (["київ", "kyiv"], "kiv"),
    ],
)
def test_variants_share_a_skeleton(variants: list[str], key: str) -> None:
    assert {skeleton(v) for v in variants} == {key}


@pytest.mark.parametrize(("a", "b"), [("escort", "sport"), ("ukrainka", "ukraina"), ("sex", "six")])
def test_different_words_keep_different_skeletons(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b)


@pytest.mark.parametrize(
    ("token", "expected"),
    [("s3x", "sex"), ("p0rn", "porn"), ("ukr4inka", "ukrainka"), ("2022", "2022"), ("g1rl", "girl")],
)
def test_deleet(token: str, expected: str) -> None:
    assert deleet(token) == expected


@pytest.mark.parametrize(
    ("token", "parts"), [("16yo", ("16", "yo")), ("15лет", ("15", "лет")), ("escort", None), ("2022x", None)]
)
def test_split_age(token: str, parts: tuple[str, str] | None) -> None:
    assert split_age(token) == parts
