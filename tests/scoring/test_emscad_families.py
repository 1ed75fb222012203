"""EMSCAD families on synthetic ads: near-copies and shared profiles group, unrelated ads stay apart."""

from __future__ import annotations

import subprocess
import sys

import pytest

from vigil.documents import Document
from vigil.scoring.emscad import Example, families

BASE = (
    "We are hiring warehouse packers for our new site near the harbour. Shifts start at six in the "
    "morning and end at two. Accommodation is arranged by the agency and transport is included. "
    "Send your passport copy and a recent photo to apply today, places are limited this month."
)


def _example(text: str, profile: str = "", title: str = "Packer") -> Example:
    body = f"{profile}\n\n{text}" if profile else text
    return Example(Document(id=str(abs(hash((text, profile, title)))), text=body, title=title), False, profile)


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        (_example(BASE), _example(BASE.replace("six", "seven")), True),
        (_example(BASE), _example(BASE + " Call 0612345678 now."), True),
        (_example("Junior accountant for a family firm, two years of experience, hybrid work."), _example(BASE), False),
        (_example("Night nurse wanted.", profile="Acme Care Homes"), _example("Cook wanted.", profile="acme care  homes"), True),
        (_example("Night nurse wanted.", profile="Acme Care Homes"), _example("Cook wanted.", profile="Baker Street Foods"), False),
    ],
)
def test_families(left: Example, right: Example, same: bool) -> None:
    unrelated = _example("Translator English to Polish for technical manuals, remote, paid per page on invoice.")
    groups = families([left, right, unrelated])
    assert (groups[0] == groups[1]) is same
    assert groups[2] not in {groups[0], groups[1]}


def test_families_use_linking_minhash_only() -> None:
    """One MinHash in Vigil: EMSCAD de-duplication no longer loads datasketch."""
    code = (
        "import sys; from vigil.scoring.emscad import families, Example; from vigil.documents import Document;"
        "families([Example(Document(id='a', text='one two three four five six'), False, '')]);"
        "print('datasketch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
