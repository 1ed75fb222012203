"""The job-ad model: pure-Python inference equals scikit-learn, and training is reproducible."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from vigil.documents import Document
from vigil.scoring.emscad import Example, families, load_examples, row_to_document
from vigil.scoring.jobtext import (
    document_terms,
    mask_contacts,
    structured_features,
    tfidf_vector,
    weighted_terms,
)
from vigil.scoring.models import JOB_TEXT_FILE, models_dir
from vigil.scoring.train import _fit, _predict, export_weights, family_weights, train_job_model

EMSCAD = Path(__file__).resolve().parents[3] / "shared" / "data" / "emscad"
needs_emscad = pytest.mark.skipif(not EMSCAD.is_dir(), reason="EMSCAD copy not present next to the checkout")


def _tiny_examples() -> list[Example]:
    texts = [
        (
            "Data entry from home",
            "Earn $500 weekly from home, no experience. Send your bank details.",
            True,
            {"has_company_logo": "0"},
        ),
        (
            "Admin assistant",
            "Work from home, earn money fast, pay a small registration fee.",
            True,
            {"has_company_logo": "0"},
        ),
        (
            "Customer service",
            "Easy money online, no interview, start today, earn $$$.",
            True,
            {"has_company_logo": "0"},
        ),
        (
            "Backend engineer",
            "We are a software company in Berlin. Python, PostgreSQL, code review.",
            False,
            {"has_company_logo": "1"},
        ),
        (
            "Nurse",
            "Our hospital seeks a registered nurse. Shift work, union contract, pension.",
            False,
            {"has_company_logo": "1"},
        ),
        (
            "Accountant",
            "Our firm audits small companies. Degree in accounting and two years of experience.",
            False,
            {"has_company_logo": "1"},
        ),
    ]
    return [
        Example(Document(id=str(i), text=t, title=title, kind="job_ad", lang="en", meta=meta), label, "")
        for i, (title, t, label, meta) in enumerate(texts)
    ]


@pytest.mark.parametrize("weighed", [False, True])
def test_python_inference_equals_scikit_learn(weighed: bool) -> None:
    examples = _tiny_examples() * 2
    # with family weights, and structured facts scaled in the fit and multiplied back on export
    groups = [0, 0, 0, 1, 2, 3] * 2 if weighed else None
    fitted = _fit(examples, c=10.0, groups=groups)
    weights = export_weights(fitted)
    expected = _predict(fitted, examples)
    idf = {t: v[0] for t, v in weights["terms"].items()}
    for example, probability in zip(examples, expected, strict=True):
        vector = tfidf_vector(document_terms(example.document), idf)
        logit = weights["intercept"] + sum(value * weights["terms"][t][1] for t, value in vector.items())
        logit += sum(weights["structured"].get(name, 0.0) for name in structured_features(example.document))
        assert 1 / (1 + math.exp(-logit)) == pytest.approx(probability, abs=1e-4)
        table = {t: (v[0], v[1]) for t, v in weights["terms"].items()}
        fused, top, counted = weighted_terms(document_terms(example.document), table, 3)
        assert fused == pytest.approx(sum(value * weights["terms"][t][1] for t, value in vector.items()))
        assert counted == len(vector)
        assert [abs(p) for p, _ in top] == sorted((abs(p) for p, _ in top), reverse=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "mail #EMAIL_0a1b2c# or #URL_ffee00# or #PHONE_123abc#",
            " emailmask ",
        ),
        ("write to jobs@example.com today", " emailmask "),
        ("see https://example.com/jobs", " urlmask "),
        ("call +44 7700 900412", " phonemask "),
    ],
)
def test_contacts_are_reduced_to_their_kind(text: str, expected: str) -> None:
    assert expected in mask_contacts(text)


def test_year_ranges_are_not_phone_numbers() -> None:
    assert "phonemask" not in mask_contacts("from 2012-2014 in sales")


def test_unknown_meta_is_neither_yes_nor_no() -> None:
    assert not [f for f in structured_features(Document(id="x", text="Hello")) if f.startswith("meta:")]
    known = structured_features(Document(id="x", text="Hello", meta={"has_company_logo": 0, "salary_range": ""}))
    assert {"meta:has_company_logo=no", "meta:salary_range=absent"} <= set(known)


@pytest.mark.parametrize(
    ("meta", "expected", "absent"),
    [
        ({"salary_range": "30000-40000"}, {"meta:salary_range:narrow", "meta:salary_range=given"}, set()),
        ({"salary_range": "20000-60000"}, {"meta:salary_range:wide"}, {"meta:salary_range:narrow"}),
        ({"salary_range": "0-50000"}, {"meta:salary_range:wide"}, set()),
        ({"salary_range": "45000-45000"}, {"meta:salary_range:single"}, set()),
        # negatives: EMSCAD's "0-0" default, a reversed range and text are no stated shape
        ({"salary_range": "0-0"}, {"meta:salary_range=absent"}, {"meta:salary_range:single"}),
        (
            {"salary_range": "60000-20000"},
            {"meta:salary_range=given"},
            {"meta:salary_range:wide", "meta:salary_range:narrow"},
        ),
        (
            {"salary_range": "Oct-15"},
            set(),
            {"meta:salary_range:wide", "meta:salary_range:narrow", "meta:salary_range:single"},
        ),
        ({"has_company_profile": "1"}, {"meta:has_company_profile=yes"}, {"meta:has_company_profile=no"}),
        ({"has_company_profile": "0"}, {"meta:has_company_profile=no"}, {"meta:has_company_profile=yes"}),
        ({}, set(), {"meta:has_company_profile=no", "meta:has_company_profile=yes"}),
    ],
)
def test_structured_facts_beyond_text(meta: dict[str, str], expected: set[str], absent: set[str]) -> None:
    found = set(structured_features(Document(id="x", text="Hello", meta=meta)))
    assert expected <= found
    assert not absent & found


@pytest.mark.parametrize(("profile", "flag"), [("We build bridges.", "1"), ("", "0"), ("   ", "0")])
def test_row_mapping_records_whether_a_company_profile_was_given(profile: str, flag: str) -> None:
    assert (
        row_to_document({"company_profile": profile, "description": "D"}, "emscad-2").meta["has_company_profile"]
        == flag
    )


def test_row_mapping_joins_texts_with_blank_lines() -> None:
    row = {
        "title": "T",
        "company_profile": "P",
        "description": "",
        "requirements": "R",
        "benefits": "B",
        "location": "US, NY",
        "telecommuting": "0",
    }
    doc = row_to_document(row, "emscad-1")
    assert doc.text == "P\n\nR\n\nB"
    assert (doc.kind, doc.lang, doc.location, doc.meta["telecommuting"]) == ("job_ad", "en", "US, NY", "0")


@needs_emscad
def test_families_never_split_a_company_or_exact_repeats() -> None:
    examples = load_examples(EMSCAD)[:300]
    groups = families(examples)
    by_profile: dict[str, set[int]] = {}
    for example, group in zip(examples, groups, strict=True):
        if example.company_profile.strip():
            by_profile.setdefault(example.company_profile.strip().lower(), set()).add(group)
    assert all(len(g) == 1 for g in by_profile.values())


@needs_emscad
def test_training_is_reproducible() -> None:
    first = train_job_model(EMSCAD, limit=15, c_grid=(10.0,))
    second = train_job_model(EMSCAD, limit=15, c_grid=(10.0,))
    assert first == second
    assert first["training"]["rows"] == 30
    assert first["terms"] and first["structured"]


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        # a family of 4 weighs 1/2 per row against a singleton's 1, then the mean is brought to 1
        ([0, 0, 0, 0, 1], [0.5 / 0.6, 0.5 / 0.6, 0.5 / 0.6, 0.5 / 0.6, 1 / 0.6]),
        (
            [3, 1, 3],
            [(2**-0.5) / ((2 * 2**-0.5 + 1) / 3), 1 / ((2 * 2**-0.5 + 1) / 3), (2**-0.5) / ((2 * 2**-0.5 + 1) / 3)],
        ),
        # negatives: all singletons or one family leave every row at weight 1; no rows, no weights
        ([0, 1, 2], [1.0, 1.0, 1.0]),
        ([7, 7, 7], [1.0, 1.0, 1.0]),
        ([], []),
    ],
)
def test_family_weights(groups: list[int], expected: list[float]) -> None:
    assert family_weights(groups).tolist() == pytest.approx(expected)


def test_family_weights_change_the_fit() -> None:
    examples = _tiny_examples() * 2
    plain = export_weights(_fit(examples, c=10.0))
    # the first copy of the three frauds is one family: frauds weigh less than legitimate ads
    weighed = export_weights(_fit(examples, c=10.0, groups=[0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    assert weighed["intercept"] < plain["intercept"]


def test_shipped_model_beats_the_previous_one_on_family_disjoint_cv() -> None:
    """The rule for shipping a new version: the nested family-disjoint CV of the new model beats the old one's."""
    shipped = json.loads((models_dir() / JOB_TEXT_FILE).read_text(encoding="utf-8"))
    previous = json.loads((models_dir() / f"job-v{shipped['version'] - 1}.json").read_text(encoding="utf-8"))
    old = previous["training"]["cv_by_c"][str(previous["training"]["c"])]["roc_auc"]
    assert shipped["training"]["nested_cv"]["roc_auc"] > old
    assert set(shipped["training"]["nested_cv"]["c_by_fold"]) <= {float(c) for c in shipped["training"]["cv_by_c"]}


@needs_emscad
def test_nested_cross_validation_picks_c_per_outer_fold() -> None:
    model = train_job_model(EMSCAD, limit=15, c_grid=(1.0, 30.0))
    nested = model["training"]["nested_cv"]
    assert len(nested["c_by_fold"]) == 5
    assert set(nested["c_by_fold"]) <= {1.0, 30.0}
    assert 0.0 <= nested["roc_auc"] <= 1.0
