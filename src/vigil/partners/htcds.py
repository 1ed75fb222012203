"""A case's people and trafficking events in the Human Trafficking Case Data Standard (HTCDS v2.0).

Field names and value lists are HTCDS v2.0's (IOM, CC BY 4.0; ``HTCDS Field Reference.md`` of
UNMigration/HTCDS, summarised in the shared reference ``peers.md`` section d). Vigil records
only what an analyst enters: it never infers a victim or a perpetrator from an ad. A value
outside a field's list is refused with the list, so an export always reads in a partner's
HTCDS system.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.casework.models import Case
from vigil.casework.reviews import AuditHook
from vigil.errors import InputError
from vigil.partners.models import ORG_KINDS, CasePerson, CaseTraffickingEvent, PartnerOrg

VERSION: Final = "2.0"
ROLES: Final = ("victim", "perpetrator")
#: HTCDS's E.164 pattern for phone fields.
E164: Final = re.compile(r"^\+?[1-9]\d{1,14}$")
ISO_COUNTRY: Final = re.compile(r"^[A-Z]{2}$")
PLATFORMS: Final = ("Facebook", "Instagram", "WhatsApp", "Telegram", "FacebookMessenger", "Viber", "SnapChat", "Line",
                    "4Sale", "WeChat", "QQ", "QZone", "TikTok", "Twitter", "Other")


@dataclass(frozen=True)
class Field:
    """One HTCDS field: ``kind`` is text, date, bool, number, country, phone, pick (one of) or multi (any of)."""

    kind: str
    values: tuple[str, ...] = ()
    contact: bool = False


PERSON: Final = {
    "prs_FirstName": Field("text"), "prs_MiddleName": Field("text"), "prs_SecondName": Field("text"),
    "prs_Birthdate": Field("date"),
    "prs_Gender": Field("pick", ("Male", "Female", "Transgender/NonConforming", "Unknown")),
    "prs_Deceased": Field("bool"), "prs_Nationality": Field("country"),
    "prs_Email": Field("text", contact=True), "prs_HomePhone": Field("phone", contact=True),
    "prs_MobilePhone": Field("phone", contact=True),
    "prs_MailingCity": Field("text"), "prs_MailingCountry": Field("country"),
}
VICTIM: Final = {
    "vic_AgreementToManagePersonalData": Field("bool"),
    "vic_RecruitmentWebsitesAndApps": Field("multi", PLATFORMS),
    "vic_ExploitationWebsitesAndApps": Field("multi", PLATFORMS),
    "vic_MethodOfRecruitment": Field("multi", (
        "Abduction", "Educational Facility", "Familial", "Internet (social media, online advertisement)",
        "International Marriage Broker (IMB)", "Intimate partner/marriage proposition", "Job offer/advertisement",
        "Posing as Benefactor", "Public Area", "Offer of Accommodation", "Shelter", "Smuggling, ransom", "Work", "Other", "Unknown")),
    "vic_MethodsOfControl": Field("multi", (
        "DebtBondage", "TakesEarnings", "RestrictsFinancialAccess", "Threats", "PsychologicalAbuse", "PhysicalAbuse",
        "SexualAbuse", "FalsePromises", "PsychoactiveSubstances", "RestrictsMovement", "RestrictsMedicalCare",
        "ExcessiveWorkingHours", "UsesChildren", "ThreatOfLawEnforcement", "WithholdsNecessities", "WithholdsDocuments", "Other")),
    "vic_TypeOfLabourExploitation": Field("multi", (
        "Agriculture", "Aquafarming", "Begging", "Construction", "DomesticWork", "Hospitality", "IllicitActivities",
        "Manufacturing", "MiningOrDrilling", "Peddling", "Transportation", "Other")),
    "vic_TypeOfSexExploitation": Field("multi", ("Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices")),
}
PERPETRATOR: Final = {
    "per_RoleInProcess": Field("multi", (
        "TravellingPartner", "Transporter", "RecruiterOrIntermediary", "BrokerTravelAgent", "TransferredIndividual",
        "HarbouredIndividual", "SoldIndividual", "BoughtIndividual", "ReceivedIndividual", "ControlledIndividual",
        "Smuggler", "Abuser", "Kidnapper", "Exploiter", "Other")),
    "per_RoleDetails": Field("text"),
}
EVENT: Final = {
    "hte_Type": Field("pick", ("Recruitment", "Transit", "Exploitation")),
    "hte_Date": Field("date"), "hte_City": Field("text"), "hte_Country": Field("country"), "hte_State": Field("text"),
    "hte_Latitude": Field("number"), "hte_Longitude": Field("number"), "hte_Description": Field("text"),
}
FIELDS_BY_ROLE: Final = {"victim": {**PERSON, **VICTIM}, "perpetrator": {**PERSON, **PERPETRATOR}}
MAX_TEXT: Final = 5000


def _check(name: str, spec: Field, raw: Any) -> Any:
    if spec.kind == "multi":
        items = raw if isinstance(raw, list) else [v.strip() for v in str(raw).split(";") if v.strip()]
        wrong = [v for v in items if v not in spec.values]
        if wrong or not items:
            raise InputError(f"{name}: {', '.join(map(str, wrong)) or 'empty'} not in the HTCDS list ({'; '.join(spec.values)})")
        return list(dict.fromkeys(items))
    text = str(raw).strip()
    if spec.kind == "pick" and text not in spec.values:
        raise InputError(f"{name}: {text!r} not in the HTCDS list ({', '.join(spec.values)})")
    if spec.kind == "bool":
        if text.lower() not in {"true", "false", "yes", "no", "1", "0"}:
            raise InputError(f"{name}: true or false")
        return text.lower() in {"true", "yes", "1"}
    if spec.kind == "number":
        try:
            return float(text)
        except ValueError as exc:
            raise InputError(f"{name}: a number") from exc
    if spec.kind == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError as exc:
            raise InputError(f"{name}: a date (YYYY-MM-DD)") from exc
    if spec.kind == "country" and not ISO_COUNTRY.fullmatch(text):
        raise InputError(f"{name}: an ISO 3166 two-letter country code")
    if spec.kind == "phone" and not E164.fullmatch(text):
        raise InputError(f"{name}: a phone number in E.164 (+48501234567)")
    if not text or len(text) > MAX_TEXT:
        raise InputError(f"{name}: 1-{MAX_TEXT} characters")
    return text


def check_fields(fields: Mapping[str, Any], allowed: Mapping[str, Field]) -> dict[str, Any]:
    """The fields checked against HTCDS v2.0; an unknown name or a value off its list is refused."""
    if not fields:
        raise InputError("give at least one HTCDS field")
    out = {}
    for name, raw in fields.items():
        spec = allowed.get(name)
        if spec is None:
            raise InputError(f"{name}: not an HTCDS v2.0 field here; use one of {', '.join(allowed)}")
        out[name] = _check(name, spec, raw)
    return out


def add_person(session: Session, case: Case, role: str, fields: Mapping[str, Any], actor: str, audit: AuditHook) -> CasePerson:
    if role not in ROLES:
        raise InputError(f"a person in a case is a {' or a '.join(ROLES)}")
    row = CasePerson(case_id=case.id, role=role, fields=check_fields(fields, FIELDS_BY_ROLE[role]), added_by=actor[:100])
    session.add(row)
    session.flush()
    audit(session, "case.htcds_person", "case", str(case.id), {"role": role, "fields": sorted(row.fields), "by": actor})
    return row


def add_event(session: Session, case: Case, fields: Mapping[str, Any], actor: str, audit: AuditHook) -> CaseTraffickingEvent:
    row = CaseTraffickingEvent(case_id=case.id, fields=check_fields(fields, EVENT), added_by=actor[:100])
    session.add(row)
    session.flush()
    audit(session, "case.htcds_event", "case", str(case.id), {"fields": sorted(row.fields), "by": actor})
    return row


def case_htcds(session: Session, case: Case, org: PartnerOrg | None, *, contacts: bool) -> dict[str, Any]:
    """The case in HTCDS v2.0 fields: the case, the recording organisation, people and events.

    ``contacts`` False leaves out e-mail and phone fields (for readers whose role may not see contacts).
    """
    people = session.scalars(sa.select(CasePerson).where(CasePerson.case_id == case.id).order_by(CasePerson.id)).all()
    events = session.scalars(sa.select(CaseTraffickingEvent).where(CaseTraffickingEvent.case_id == case.id)
                             .order_by(CaseTraffickingEvent.id)).all()
    hidden = {name for name, spec in PERSON.items() if spec.contact and not contacts}
    out: dict[str, Any] = {"htcds_version": VERSION, "case": {"cas_Status": case.status}}
    if org is not None:
        out["organisation"] = {"org_Name": org.title, "org_Type": ORG_KINDS[org.kind]}
    out["persons"] = [{"role": p.role, **{k: v for k, v in sorted(p.fields.items()) if k not in hidden}} for p in people]
    out["events"] = [dict(sorted(e.fields.items())) for e in events]
    return out
