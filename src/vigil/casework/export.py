"""The case file: a directory a prosecutor or partner can read, print and verify.

``report.html`` (printable, self-contained: inline CSS and SVG, no script, no external asset),
``data.jsonl`` (one line per document of the case, with its ``id``), ``evidence/`` (each
document's canonical JSON and, for roles that see contacts, its raw capture) and
``manifest.json`` listing every other file with its SHA-256.

Contacts are masked for a reader whose role may not see them (``redactor`` given): in the
text, the title, the evidence, the entities and the identifiers, by the one redaction
policy. Raw captures cannot be masked, so they are left out of such a file, and so are the
hashes of the stored (unmasked) items: a hash of a known text with one phone number missing
can be searched by brute force.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from vigil.casework.cases import (
    CaseDocument,
    canonical_json,
    case_documents,
    case_json,
    document_record,
    evidence_list,
    get_case,
    items_of,
    linked_to_document,
    sha256_of,
    timeline,
)
from vigil.casework.graph_svg import Ad, network_svg
from vigil.casework.models import DOCUMENT, IDENTIFIER, NETWORK, NOTE, CaseEvent
from vigil.casework.reviews import AuditHook, review_json, reviews_of
from vigil.errors import ConfigError, InputError, NotFoundError, StoreError
from vigil.link.models import LinkCluster, LinkDocument
from vigil.recognizers.catalogue import IndicatorInfo, load_catalogue
from vigil.redaction import CONTACT_KINDS, MASK_CHAR, ContactRedactor, document_context, mask_identifier, mask_value
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentRow, Source

TEMPLATE_DIR: Final = Path(__file__).parent / "templates"
REPORT: Final = "report.html"
DATA: Final = "data.jsonl"
MANIFEST: Final = "manifest.json"
EVIDENCE_DIR: Final = "evidence"
MASKED_URL: Final = MASK_CHAR * 4


@dataclass(frozen=True)
class ExportResult:
    """What was written: the directory, its files (relative paths) and how many documents."""

    directory: Path
    files: tuple[str, ...]
    documents: int
    contacts_masked: bool


@dataclass(frozen=True)
class Masking:
    """How the reader sees contacts: in the clear (``redactor`` None) or masked."""

    redactor: ContactRedactor | None

    @property
    def masked(self) -> bool:
        return self.redactor is not None

    def identifier(self, key: str) -> str:
        return key if self.redactor is None else mask_identifier(key)

    def via(self, reason: str) -> str:
        """Why a document is in the case (``identifier:phone:+48…``), its identifier masked when due."""
        kind, colon, key = reason.partition(":")
        return f"{kind}:{self.identifier(key)}" if colon and kind == IDENTIFIER else reason

    def document(self, record: dict[str, Any]) -> dict[str, Any]:
        if self.redactor is None:
            return record
        context = document_context(record.get("lang"), record.get("location"), record.get("platform"), record.get("url"))
        out = dict(record)
        out["text"] = self.redactor.redact(str(record.get("text") or ""), context)
        if record.get("title"):
            out["title"] = self.redactor.redact(str(record["title"]), context)
        if record.get("url"):
            out["url"] = MASKED_URL
        out["meta"] = self.redactor.redact_tree(record.get("meta") or {}, context)
        return out

    def analysis(self, result: dict[str, Any] | None, original: dict[str, Any], shown: dict[str, Any]) -> dict[str, Any] | None:
        """The analysis with entities and evidence masked; evidence is cut from the masked text when its offsets hold."""
        if self.redactor is None or result is None:
            return result
        out = dict(result)
        entities = result.get("entities")
        if isinstance(entities, Mapping):
            out["entities"] = {
                k: [mask_value(k, str(v)) for v in vs] if k in CONTACT_KINDS and isinstance(vs, list) else vs
                for k, vs in entities.items()
            }
        hits = []
        for raw in result.get("indicators") or []:
            if not isinstance(raw, Mapping):
                continue
            hit = dict(raw)
            field = "title" if raw.get("field") == "title" else "text"
            start, end = raw.get("start"), raw.get("end")
            source, masked = str(original.get(field) or ""), str(shown.get(field) or "")
            if isinstance(start, int) and isinstance(end, int) and source[start:end] == raw.get("evidence"):
                hit["evidence"] = masked[start:end]
            else:
                hit["evidence"] = self.redactor.redact(str(raw.get("evidence") or ""))
            hits.append(hit)
        out["indicators"] = hits
        return out


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=select_autoescape(default=True))


def _catalogue() -> dict[str, IndicatorInfo]:
    try:
        return load_catalogue()
    except ConfigError:
        return {}


def marked_pieces(text: str, hits: Sequence[Mapping[str, Any]], field: str) -> list[tuple[str, tuple[str, ...]]]:
    """``text`` cut at every hit boundary of ``field``: ``(piece, indicators covering it)``."""
    spans = [
        (h["start"], h["end"], str(h.get("id")))
        for h in hits
        if (h.get("field") == "title") == (field == "title")
        and isinstance(h.get("start"), int) and isinstance(h.get("end"), int) and 0 <= h["start"] < h["end"] <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces: list[tuple[str, tuple[str, ...]]] = []
    for left, right in pairwise(cuts):
        covering = tuple(dict.fromkeys(i for s, e, i in spans if s <= left and right <= e))
        pieces.append((text[left:right], covering))
    return pieces


def score_explanation(result: Mapping[str, Any] | None) -> list[tuple[str, float]]:
    """What stands behind the score, largest first: the model's contributions, else each indicator's best confidence."""
    if not result:
        return []
    risk = result.get("risk")
    reported = risk.get("contributions") if isinstance(risk, Mapping) else None
    values: dict[str, float] = {}
    if isinstance(reported, Mapping):
        values = {str(k): float(v) for k, v in reported.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    elif isinstance(reported, list):
        for item in reported:
            if not isinstance(item, Mapping):
                continue
            name = next((item[k] for k in ("indicator", "feature", "id") if isinstance(item.get(k), str)), None)
            value = next((item[k] for k in ("contribution", "value", "weight") if _is_number(item.get(k))), None)
            if name is not None and value is not None:
                values[name] = float(value)
    if values:
        return sorted(values.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
    best: dict[str, float] = {}
    for hit in result.get("indicators") or []:
        if isinstance(hit, Mapping) and isinstance(hit.get("id"), str):
            confidence = hit.get("confidence")
            value = float(confidence) if isinstance(confidence, int | float) else 0.0
            best[hit["id"]] = max(best.get(hit["id"], 0.0), value)
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def movement(ads: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Where the case's ads were posted, in time order, one stop per change of place."""
    stops: list[dict[str, Any]] = []
    for ad in ads:
        place = ad["document"].get("location")
        if not place or not ad["document"].get("posted_at"):
            continue
        if stops and stops[-1]["location"] == place:
            stops[-1]["last"] = ad["document"]["posted_at"]
            stops[-1]["ads"] += 1
        else:
            stops.append({"location": place, "first": ad["document"]["posted_at"], "last": ad["document"]["posted_at"], "ads": 1})
    return stops


def _load_documents(session: Session, documents: Sequence[CaseDocument]) -> list[dict[str, Any]]:
    if not documents:
        return []
    rows = session.execute(
        sa.select(DocumentRow, Source.name, AnalysisRow.result, LinkDocument.cluster)
        .join(Source, Source.id == DocumentRow.source_id)
        .outerjoin(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
        .outerjoin(LinkDocument, linked_to_document())
        .where(DocumentRow.pk.in_([d.pk for d in documents]))
    ).tuples().all()
    by_pk = {row.pk: (row, name, result, cluster) for row, name, result, cluster in rows}
    out = []
    for doc in documents:
        if doc.pk not in by_pk:
            continue
        row, name, result, cluster = by_pk[doc.pk]
        out.append({"pk": row.pk, "source": name, "via": list(doc.via), "record": document_record(row),
                    "analysis": result if isinstance(result, dict) else None, "cluster": cluster})
    return out


def _network_drawings(session: Session, clusters: Sequence[str], ads: Sequence[Mapping[str, Any]], masking: Masking) -> list[dict[str, Any]]:
    levels = {a["record"]["id"]: ((a["analysis"] or {}).get("risk") or {}).get("level") for a in ads}
    drawings = []
    for cluster_id in clusters:
        cluster = session.get(LinkCluster, cluster_id)
        if cluster is None:
            continue
        members = session.scalars(sa.select(LinkDocument).where(LinkDocument.cluster == cluster_id).order_by(LinkDocument.idx)).all()
        drawn = [
            Ad(m.doc_id, levels.get(m.doc_id),
               tuple(masking.identifier(str(k)) for k in (m.facts or {}).get("identifiers", [])))
            for m in members
        ]
        summary = cluster.summary if isinstance(cluster.summary, dict) else {}
        indicators = [i for i in summary.get("indicators") or [] if isinstance(i, dict)]
        if masking.redactor is not None:
            indicators = masking.redactor.redact_tree(indicators)
        drawings.append({"id": cluster_id, "size": cluster.size, "svg": network_svg(drawn, f"Network {cluster_id}"),
                         "indicators": indicators})
    return drawings


def _write(directory: Path, relative: str, data: bytes, written: list[str]) -> None:
    target = directory / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    written.append(relative)


def _prepare_directory(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError(f"{directory} exists and is not an empty directory; choose a new one")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {directory}: {exc.strerror}") from exc


def export_case(
    store: Store,
    case_id: int,
    directory: Path,
    *,
    exported_by: str,
    redactor: ContactRedactor | None,
    audit: AuditHook,
    viewer: str | None = None,
) -> ExportResult:
    """Write the case file of ``case_id`` into ``directory`` (new or empty), for a reader who sees contacts
    unless ``redactor`` is given. ``viewer`` limits it to a case they own or are a member of. Audited."""
    masking = Masking(redactor)
    with store.session() as session:
        case = get_case(session, case_id, viewer)
        items = items_of(session, case.id)
        documents = case_documents(session, items)
        loaded = _load_documents(session, documents)
        stored_evidence = evidence_list(session, documents) if not masking.masked else []
        events = timeline(session, case, documents)
        reviews = reviews_of(session, DOCUMENT, [str(a["pk"]) for a in loaded])
        clusters = [i.target for i in items if i.kind == NETWORK]
        clusters += [c for c in dict.fromkeys(a["cluster"] for a in loaded if a["cluster"]) if c not in clusters]
        drawings = _network_drawings(session, clusters, loaded, masking)
        summary = case_json(case, items, with_items=True)
    _prepare_directory(directory)
    written: list[str] = []
    catalogue = _catalogue()
    ads: list[dict[str, Any]] = []
    data_lines: list[str] = []
    evidence_rows: list[dict[str, Any]] = []
    for entry in loaded:
        record = masking.document(entry["record"])
        analysis = masking.analysis(entry["analysis"], entry["record"], record)
        doc_path = f"{EVIDENCE_DIR}/documents/{entry['pk']}.json"
        doc_bytes = canonical_json(record)
        _write(directory, doc_path, doc_bytes, written)
        evidence_rows.append({"item": "document", "id": record["id"], "path": doc_path, "sha256": sha256_of(doc_bytes)})
        review = reviews.get(str(entry["pk"]))
        entry["via"] = [masking.via(v) for v in entry["via"]]
        line = {"id": record["id"], "pk": entry["pk"], "source": entry["source"], "via": entry["via"],
                "cluster": entry["cluster"], "document": record, "analysis": analysis,
                "review": review_json(DOCUMENT, str(entry["pk"]), review)}
        data_lines.append(json.dumps(line, ensure_ascii=False, sort_keys=True))
        hits = [h for h in (analysis or {}).get("indicators") or [] if isinstance(h, Mapping)]
        ads.append({
            **entry, "document": record, "analysis": analysis, "hits": hits,
            "text_pieces": marked_pieces(str(record.get("text") or ""), hits, "text"),
            "title_pieces": marked_pieces(str(record.get("title") or ""), hits, "title"),
            "explained": score_explanation(analysis), "review": review,
        })
    _write(directory, DATA, ("\n".join(data_lines) + ("\n" if data_lines else "")).encode("utf-8"), written)
    if not masking.masked:
        for stored in stored_evidence:
            if stored["item"] != "capture":
                continue
            try:
                raw = store.evidence.get(stored["sha256"])
            except NotFoundError:
                continue  # the row names a capture whose file is not on this machine; the list still names it
            path = f"{EVIDENCE_DIR}/captures/{stored['sha256']}"
            _write(directory, path, raw, written)
            evidence_rows.append({"item": "capture", "id": stored["id"], "path": path, "sha256": stored["sha256"]})
    exported_at = datetime.now(UTC).isoformat()
    identifiers = [masking.identifier(i["target"]) for i in summary["items"] if i["kind"] == IDENTIFIER]
    if masking.masked:
        for item in summary["items"]:
            if item["kind"] == IDENTIFIER:
                item["target"] = item["label"] = masking.identifier(item["target"])
    html = _environment().get_template("report.html").render(
        case=summary, ads=ads, timeline=[_masked_event(e, masking) for e in events], networks=drawings,
        identifiers=identifiers, notes=[i for i in summary["items"] if i["kind"] == NOTE],
        movement=movement(ads), stored_evidence=stored_evidence, evidence=evidence_rows, catalogue=catalogue,
        exported_by=exported_by, exported_at=exported_at, masked=masking.masked,
    )
    _write(directory, REPORT, html.encode("utf-8"), written)
    files = [{"path": path, "sha256": sha256_of((directory / path).read_bytes())} for path in sorted(written)]
    manifest = {
        "case": {**{k: v for k, v in summary.items() if k != "items"}, "exported_by": exported_by, "exported_at": exported_at,
                 "contacts_masked": masking.masked, "documents": len(loaded)},
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    details = {"documents": len(loaded), "files": len(files) + 1, "contacts_masked": masking.masked, "by": exported_by[:100]}
    with store.session() as session:
        session.add(CaseEvent(case_id=case_id, actor=exported_by[:100], action="export", details=details))
        audit(session, "case.export", "case", str(case_id), details)
    return ExportResult(directory, (*[f["path"] for f in files], MANIFEST), len(loaded), masking.masked)


def _masked_event(event: dict[str, Any], masking: Masking) -> dict[str, Any]:
    if masking.redactor is None or event["type"] != "action":
        return event
    details = dict(event.get("details") or {})
    target = details.get("target")
    if isinstance(target, str) and details.get("kind") == IDENTIFIER:
        details["target"] = masking.identifier(target)
    return {**event, "details": details}
