"""``vigil``'s public names: pinned, each the object its module defines, and cheap to import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import vigil

PUBLIC = ["Analysis", "Document", "Entities", "IndicatorHit", "Risk", "__version__", "analyze", "build_pipeline"]


def test_the_public_names_are_pinned() -> None:
    # Adding a name is a decision about what Vigil promises its users: change this list with it.
    assert vigil.__all__ == PUBLIC


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("Analysis", "vigil.contract"),
        ("Entities", "vigil.contract"),
        ("IndicatorHit", "vigil.contract"),
        ("Risk", "vigil.contract"),
        ("Document", "vigil.documents"),
        ("build_pipeline", "vigil.pipeline"),
    ],
)
def test_a_public_name_is_the_one_its_module_defines(name: str, module: str) -> None:
    __import__(module)
    assert getattr(vigil, name) is getattr(sys.modules[module], name)


def test_every_public_name_resolves() -> None:
    assert all(hasattr(vigil, name) for name in vigil.__all__)
    assert set(vigil.__all__) <= set(dir(vigil))


@pytest.mark.parametrize("name", ["Pipeline", "analyse", "contract_types", "settings_markdown"])
def test_other_names_are_not_attributes(name: str) -> None:
    with pytest.raises(AttributeError, match=name):
        getattr(vigil, name)


def test_star_import_gives_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from vigil import *", namespace)  # a fixed statement: what a user who star-imports gets
    assert set(namespace) - {"__builtins__"} == set(PUBLIC)


def test_importing_vigil_loads_neither_the_pipeline_nor_the_contract() -> None:
    probe = (
        "import sys, vigil; "
        "print(sorted(m for m in ('vigil.pipeline', 'vigil.contract', 'vigil.documents', 'vigil.extract') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_asking_for_a_type_loads_only_the_contract() -> None:
    probe = "import sys, vigil; vigil.Analysis; print('vigil.contract' in sys.modules, 'vigil.pipeline' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"]
