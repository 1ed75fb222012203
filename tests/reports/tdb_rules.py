"""An independent check of statements of reasons against the Transparency Database's validation rules.

Written from the rules as recorded in ``shared/reference/conventions.md`` section A.6
(``StatementStoreRequest::rules()``, schema of 1 July 2025), not from Vigil's exporter: it
shares no constant with :mod:`vigil.reports.sor`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

VISIBILITY = {
    "DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED", "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED", "DECISION_VISIBILITY_OTHER",
}
MONETARY = {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"}
PROVISION = {"DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
             "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"}
ACCOUNT = {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"}
GROUNDS = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
CONTENT_TYPES = {"CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT",
                 "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER"}
CATEGORIES = {f"STATEMENT_CATEGORY_{name}" for name in (
    "ANIMAL_WELFARE", "CONSUMER_INFORMATION", "CYBER_VIOLENCE", "CYBER_VIOLENCE_AGAINST_WOMEN",
    "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", "ILLEGAL_OR_HARMFUL_SPEECH", "INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "NOT_SPECIFIED_NOTICE", "OTHER_VIOLATION_TC", "PROTECTION_OF_MINORS",
    "RISK_FOR_PUBLIC_SECURITY", "SCAMS_AND_FRAUD", "SELF_HARM", "UNSAFE_AND_PROHIBITED_PRODUCTS", "VIOLENCE")}
KEYWORDS = {f"KEYWORD_{name}" for name in ["HUMAN_TRAFFICKING", "TRAFFICKING_WOMEN_GIRLS", "HUMAN_EXPLOITATION", "CHILD_SEXUAL_ABUSE_MATERIAL", "CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE", "GROOMING_SEXUAL_ENTICEMENT_MINORS", "NON_CONSENSUAL_IMAGE_SHARING", "NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN", "NON_CONSENSUAL_MATERIAL_DEEPFAKE", "ADULT_SEXUAL_MATERIAL", "PHISHING", "IMPERSONATION_ACCOUNT_HIJACKING", "INAUTHENTIC_ACCOUNTS", "ILLEGAL_ORGANIZATIONS", "AGE_SPECIFIC_RESTRICTIONS_MINORS", "OTHER", "AGE_SPECIFIC_RESTRICTIONS", "ANIMAL_HARM", "BIOMETRIC_DATA_BREACH", "BULLYING_AGAINST_GIRLS", "CONTENT_PROMOTING_EATING_DISORDERS", "COORDINATED_HARM", "COPYRIGHT_INFRINGEMENT", "CYBER_BULLYING_INTIMIDATION", "CYBER_HARASSMENT", "CYBER_HARASSMENT_AGAINST_WOMEN", "CYBER_INCITEMENT", "CYBER_STALKING", "CYBER_STALKING_AGAINST_WOMEN", "DATA_FALSIFICATION", "DEFAMATION", "DESIGN_INFRINGEMENT", "DISCRIMINATION", "FEMALE_GENDERED_DISINFORMATION", "GEOGRAPHIC_INDICATIONS_INFRINGEMENT", "GEOGRAPHICAL_REQUIREMENTS", "GOODS_SERVICES_NOT_PERMITTED", "HATE_SPEECH", "HIDDEN_ADVERTISEMENT", "INAUTHENTIC_LISTINGS", "INAUTHENTIC_USER_REVIEWS", "INCITEMENT_AGAINST_WOMEN", "INCITEMENT_VIOLENCE_HATRED", "INSUFFICIENT_INFORMATION_ON_TRADERS", "LANGUAGE_REQUIREMENTS", "MISINFORMATION_DISINFORMATION", "MISLEADING_INFO_CONSUMER_RIGHTS", "MISLEADING_INFO_GOODS_SERVICES", "MISSING_PROCESSING_GROUND", "NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN", "NONCOMPLIANCE_PRICING", "NUDITY", "PATENT_INFRINGEMENT", "PROHIBITED_PRODUCTS", "PYRAMID_SCHEMES", "RIGHT_TO_BE_FORGOTTEN", "RISK_ENVIRONMENTAL_DAMAGE", "RISK_PUBLIC_HEALTH", "SELF_MUTILATION", "STALKING", "SUICIDE", "TERRORIST_CONTENT", "TRADE_SECRET_INFRINGEMENT", "TRADEMARK_INFRINGEMENT", "UNLAWFUL_SALE_ANIMALS", "UNSAFE_CHALLENGES", "UNSAFE_PRODUCTS", "VIOLATION_EU_LAW", "VIOLATION_NATIONAL_LAW"]}
COUNTRIES = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"}
SOURCES = {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
AUTOMATED = {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
KNOWN_FIELDS = {
    "decision_visibility", "decision_visibility_other", "decision_monetary", "decision_monetary_other", "decision_provision",
    "decision_account", "account_type", "decision_ground", "decision_ground_reference_url", "illegal_content_legal_ground",
    "illegal_content_explanation", "incompatible_content_ground", "incompatible_content_explanation",
    "incompatible_content_illegal", "content_type", "content_type_other", "category", "category_addition",
    "category_specification", "category_specification_other", "territorial_scope", "content_language", "content_date",
    "application_date", "end_date_account_restriction", "end_date_monetary_restriction", "end_date_service_restriction",
    "end_date_visibility_restriction", "decision_facts", "source_type", "source_identity", "automated_detection",
    "automated_decision", "puid", "content_id", "content_id_ean",
}
EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[a-z]{2,}", re.IGNORECASE)
PHONE = re.compile(r"\+?\d[\d ()-]{7,}\d")


def _date(value: Any, low: date, high: date) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return False
    return low <= day <= high


def _string(value: Any, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


def problems(s: dict[str, Any]) -> list[str]:
    """Every rule a statement breaks (empty: it would be accepted)."""
    out: list[str] = []
    out += [f"unknown field {k}" for k in s if k not in KNOWN_FIELDS]
    decisions = [k for k in ("decision_visibility", "decision_monetary", "decision_provision", "decision_account") if s.get(k)]
    if not decisions:
        out.append("one decision_* field is required")
    if "decision_visibility" in s:
        vis = s["decision_visibility"]
        if not isinstance(vis, list) or not vis or not set(vis) <= VISIBILITY:
            out.append("decision_visibility")
        elif ("DECISION_VISIBILITY_OTHER" in vis) != _string(s.get("decision_visibility_other"), 500):
            out.append("decision_visibility_other")
    if "decision_monetary" in s and s["decision_monetary"] not in MONETARY:
        out.append("decision_monetary")
    if "decision_provision" in s and s["decision_provision"] not in PROVISION:
        out.append("decision_provision")
    if "decision_account" in s and s["decision_account"] not in ACCOUNT:
        out.append("decision_account")
    ground = s.get("decision_ground")
    if ground not in GROUNDS:
        out.append("decision_ground")
    if ground == "DECISION_GROUND_ILLEGAL_CONTENT":
        if not _string(s.get("illegal_content_legal_ground"), 500):
            out.append("illegal_content_legal_ground")
        if not _string(s.get("illegal_content_explanation"), 2000):
            out.append("illegal_content_explanation")
    if ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT":
        if not _string(s.get("incompatible_content_ground"), 500):
            out.append("incompatible_content_ground")
        if not _string(s.get("incompatible_content_explanation"), 2000):
            out.append("incompatible_content_explanation")
    if "incompatible_content_illegal" in s and s["incompatible_content_illegal"] not in ("Yes", "No"):
        out.append("incompatible_content_illegal")
    url = s.get("decision_ground_reference_url")
    if url is not None and (not _string(url, 500) or not re.match(r"https?://", url)):
        out.append("decision_ground_reference_url")
    types = s.get("content_type")
    if not isinstance(types, list) or not types or not set(types) <= CONTENT_TYPES:
        out.append("content_type")
    elif ("CONTENT_TYPE_OTHER" in types) != _string(s.get("content_type_other"), 500):
        out.append("content_type_other")
    if s.get("category") not in CATEGORIES:
        out.append("category")
    if "category_addition" in s and not (isinstance(s["category_addition"], list) and set(s["category_addition"]) <= CATEGORIES):
        out.append("category_addition")
    spec = s.get("category_specification")
    if spec is not None and not (isinstance(spec, list) and set(spec) <= KEYWORDS):
        out.append("category_specification")
    scope = s.get("territorial_scope")
    if scope is not None and not (isinstance(scope, list) and set(scope) <= COUNTRIES):
        out.append("territorial_scope")
    lang = s.get("content_language")
    if lang is not None and not (isinstance(lang, str) and re.fullmatch(r"[A-Z]{2}", lang)):
        out.append("content_language")
    if not _date(s.get("content_date"), date(2000, 1, 1), date(2038, 1, 1)):
        out.append("content_date")
    if not _date(s.get("application_date"), date(2020, 1, 1), date(2038, 1, 1)):
        out.append("application_date")
    for key in ("end_date_account_restriction", "end_date_monetary_restriction", "end_date_service_restriction",
                "end_date_visibility_restriction"):
        if s.get(key) is not None and not _date(s[key], date(2000, 1, 1), date(2038, 1, 1)):
            out.append(key)
    facts = s.get("decision_facts")
    if not _string(facts, 5000):
        out.append("decision_facts")
    elif EMAIL.search(facts) or PHONE.search(facts):
        out.append("decision_facts carries personal data")
    if s.get("source_type") not in SOURCES:
        out.append("source_type")
    if "source_identity" in s and (s.get("source_type") == "SOURCE_VOLUNTARY" or not _string(s["source_identity"], 500)):
        out.append("source_identity")
    if s.get("automated_detection") not in ("Yes", "No"):
        out.append("automated_detection")
    if s.get("automated_decision") not in AUTOMATED:
        out.append("automated_decision")
    puid = s.get("puid")
    if not _string(puid, 500) or not re.fullmatch(r"[a-zA-Z0-9\-_]+", puid):
        out.append("puid")
    return out


def batch_problems(body: Any) -> list[str]:
    if not isinstance(body, dict) or set(body) != {"statements"} or not isinstance(body["statements"], list):
        return ['a batch is {"statements": [...]}']
    if not 1 <= len(body["statements"]) <= 100:
        return ["a batch holds 1 to 100 statements"]
    out = [f"{i}: {p}" for i, s in enumerate(body["statements"]) for p in problems(s)]
    puids = [s.get("puid") for s in body["statements"]]
    if len(puids) != len(set(puids)):
        out.append("puid repeated")
    return out
