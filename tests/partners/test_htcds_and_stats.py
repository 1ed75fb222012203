"""HTCDS v2.0 fields checked against their value lists; statistics with every count under k suppressed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_support import ok, run
from partners_support import Instance

from vigil.casework.cases import get_case
from vigil.errors import InputError
from vigil.partners.aggregates import monitoring_statistics
from vigil.partners.htcds import EVENT, FIELDS_BY_ROLE, case_htcds, check_fields
from vigil.settings import load_settings
from vigil.store import Store
from vigil.store.models import DocumentRow, Source


@pytest.mark.parametrize(("role", "fields", "expected"), [
    ("victim", {"prs_Gender": "Female", "vic_MethodOfRecruitment": "Job offer/advertisement; Internet (social media, online advertisement)"},
     {"prs_Gender": "Female", "vic_MethodOfRecruitment": ["Job offer/advertisement", "Internet (social media, online advertisement)"]}),
    ("victim", {"prs_Nationality": "UA", "prs_Birthdate": "2004-02-29"}, {"prs_Nationality": "UA", "prs_Birthdate": "2004-02-29"}),
    ("perpetrator", {"per_RoleInProcess": "RecruiterOrIntermediary"}, {"per_RoleInProcess": ["RecruiterOrIntermediary"]}),
    ("victim", {"prs_MobilePhone": "+48501234567", "vic_AgreementToManagePersonalData": "yes"},
     {"prs_MobilePhone": "+48501234567", "vic_AgreementToManagePersonalData": True}),
])
def test_htcds_fields_accepted_in_their_normal_form(role: str, fields: dict[str, str], expected: dict[str, Any]) -> None:
    assert check_fields(fields, FIELDS_BY_ROLE[role]) == expected


@pytest.mark.parametrize(("allowed", "fields", "message"), [
    (FIELDS_BY_ROLE["victim"], {"prs_Gender": "female"}, "not in the HTCDS list"),
    (FIELDS_BY_ROLE["victim"], {"vic_MethodsOfControl": "Debt bondage"}, "not in the HTCDS list"),
    (FIELDS_BY_ROLE["victim"], {"per_RoleInProcess": "Exploiter"}, "not an HTCDS v2.0 field here"),
    (FIELDS_BY_ROLE["perpetrator"], {"vic_TypeOfSexExploitation": "Prostitution"}, "not an HTCDS v2.0 field here"),
    (FIELDS_BY_ROLE["victim"], {"prs_Nationality": "Ukraine"}, "ISO 3166"),
    (FIELDS_BY_ROLE["victim"], {"prs_MobilePhone": "0501 234 567"}, "E.164"),
    (FIELDS_BY_ROLE["victim"], {"prs_Birthdate": "29.02.2004"}, "a date"),
    (EVENT, {"hte_Type": "Advertising"}, "not in the HTCDS list"),
    (EVENT, {}, "at least one"),
])
def test_htcds_refuses_what_the_standard_does_not_list(allowed: dict[str, Any], fields: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_fields(fields, allowed)


def test_htcds_export_of_a_case_with_and_without_contacts(instance_a: Instance) -> None:
    d = instance_a.data_dir
    ok(d, "partners", "create", "ngo-a", "--kind", "ngo", "--title", "NGO A", "--own")
    case = json.loads(ok(d, "cases", "create", "Recruitment via job ads", "--json"))["id"]
    ok(d, "partners", "person", str(case), "--role", "victim", "--field", "prs_Gender=Female",
       "--field", "prs_MobilePhone=+48501234567", "--field", "vic_MethodOfRecruitment=Job offer/advertisement")
    ok(d, "partners", "event", str(case), "--field", "hte_Type=Recruitment", "--field", "hte_Country=PL", "--field", "hte_Date=2026-05-02")
    code, _, message = run(d, "partners", "event", str(case), "--field", "hte_Type=Advert")
    assert code == 2 and "hte_Type" in message
    exported = json.loads(ok(d, "partners", "htcds", str(case)))
    assert exported["organisation"] == {"org_Name": "NGO A", "org_Type": "NGO"}
    assert exported["case"] == {"cas_Status": "Active"}
    assert exported["persons"] == [{"role": "victim", "prs_Gender": "Female", "prs_MobilePhone": "+48501234567",
                                    "vic_MethodOfRecruitment": ["Job offer/advertisement"]}]
    assert exported["events"] == [{"hte_Country": "PL", "hte_Date": "2026-05-02", "hte_Type": "Recruitment"}]
    with Store.open(instance_a.settings) as store, store.session() as session:
        masked = case_htcds(session, get_case(session, case), None, contacts=False)
    assert "prs_MobilePhone" not in masked["persons"][0] and "organisation" not in masked


@pytest.mark.parametrize(("in_cell", "shown"), [(4, False), (5, True), (12, True)])
def test_a_cell_under_k_documents_is_suppressed(tmp_path: Path, in_cell: int, shown: bool) -> None:
    settings = load_settings(data_dir=tmp_path / "v", database_url="")
    with Store.open(settings) as store, store.session() as session:
        source = Source(name="synthetic")
        session.add(source)
        session.flush()
        for number in range(in_cell):
            session.add(DocumentRow(source_id=source.id, doc_id=f"pl-{number}", text="ad", location="Kraków",
                                    posted_at=datetime(2026, 5, 1, tzinfo=UTC)))
        for number in range(3):
            session.add(DocumentRow(source_id=source.id, doc_id=f"ua-{number}", text="ad", location="Львів",
                                    posted_at=datetime(2026, 5, 1, tzinfo=UTC)))
        session.flush()
        stats = monitoring_statistics(session, 5)
    cells = {(c["country"], c["month"]): c["documents"] for c in stats["cells"]}
    assert ("UA", "2026-05") not in cells  # three Lviv ads: always under k
    assert (cells.get(("PL", "2026-05")) == in_cell) is shown
    assert stats["suppressed_cells"] == (1 if shown else 2)
