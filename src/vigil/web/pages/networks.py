"""Network pages: the list of the largest networks, and one network's graph, timeline, cities and template.

Every view of a network is written to the audit log. Identifiers are contact data: roles
without ``documents:contacts`` see them masked (by the one redaction policy, see
:mod:`vigil.web.pages.contacts`) in the graph, the evidence, the template and the ad titles.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from vigil.errors import NotFoundError
from vigil.store import Store
from vigil.web import audit
from vigil.web.app import NavItem, render
from vigil.web.i18n import N_
from vigil.web.pages.contacts import ContactView, contact_view
from vigil.web.pages.networks_data import NetworkView, largest_networks, load_network, timeline
from vigil.web.permissions import Principal, require

router = APIRouter()
nav = (NavItem("/networks", N_("Networks"), "networks:read", order=300),)

NETWORKS_LISTED = 100
ClusterId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[\w.:\-]+$")]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _open(request: Request, cluster_id: str, principal: Principal) -> tuple[NetworkView, ContactView]:
    store = _store(request)
    contacts = contact_view(request, principal)
    view = load_network(store, cluster_id, show_contacts=contacts.show)
    if view is None:
        raise NotFoundError(f"no network {cluster_id}")
    with store.session() as session:
        audit.record(session, principal, "network.view", "network", cluster_id, request, {"size": view.size})
    if not contacts.show:
        view.members = [replace(m, title=contacts.optional(m.title)) for m in view.members]
    return view, contacts


@router.get("/networks", include_in_schema=False)
def networks_page(request: Request, _principal: Annotated[Principal, Depends(require("networks:read"))]) -> Response:
    return render(request, "pages/networks.html", {"networks": largest_networks(_store(request), NETWORKS_LISTED)})


@router.get("/networks/{cluster_id}", include_in_schema=False)
def network_page(
    request: Request, cluster_id: ClusterId, principal: Annotated[Principal, Depends(require("networks:read"))]
) -> Response:
    view, contacts = _open(request, cluster_id, principal)
    summary = view.summary
    # Linking keys some details by identifier ("phone:+48...": 3), so keys are masked too.
    template = contacts.tree(summary.get("template"))
    context = {
        "view": view,
        "indicators": contacts.tree(summary.get("indicators") or []),
        "template": template,
        "template_pieces": template_pieces(template.get("text") if isinstance(template, dict) else None),
        "route": contacts.tree(movement_route(summary)),
        "timeline": timeline(view),
        "shared": sorted(view.shared.items(), key=lambda kv: (-kv[1], kv[0])),
        "links": summary.get("links") or {},
    }
    return render(request, "pages/network.html", context)


_SLOT = re.compile(r"\{(slot\d+)\}")


def template_pieces(text: Any) -> list[tuple[str, bool]]:
    """The template text split into fixed words and ``{slotN}`` markers (``True`` for a slot)."""
    if not isinstance(text, str):
        return []
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _SLOT.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(1), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def movement_route(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The multi-city route reported by linking, if any (places in time order)."""
    for indicator in summary.get("indicators") or []:
        if isinstance(indicator, dict) and indicator.get("id") == "multi_city":
            route = (indicator.get("details") or {}).get("route")
            if isinstance(route, list):
                return [r for r in route if isinstance(r, dict)]
    return []


class NetworkMemberOut(BaseModel):
    id: str
    pk: int | None = Field(description="Stored document key (for /api/v1/documents/{pk}); null when not stored here.")
    posted_at: str | None
    location: str | None
    risk_level: str | None
    risk_score: float | None


class NetworkOut(BaseModel):
    cluster: str
    size: int
    truncated: bool = Field(description="True when the network has more ads than are listed here.")
    members: list[NetworkMemberOut]
    shared_identifiers: dict[str, int] = Field(description="Identifier (masked for roles without contact access) -> ads carrying it.")
    summary: dict[str, Any] = Field(description="The linking summary: indicators, template and slots, timeline.")
    graph: dict[str, Any] = Field(description="Cytoscape.js elements: ads, shared identifiers, template links.")


@router.get("/api/v1/networks/{cluster_id}", response_model=NetworkOut, tags=["networks"])
def api_network(
    request: Request, cluster_id: ClusterId, principal: Annotated[Principal, Depends(require("networks:read"))]
) -> dict[str, Any]:
    """One network: its ads, the identifiers they share, its template and indicators. The view is audited."""
    view, contacts = _open(request, cluster_id, principal)
    summary = dict(view.summary)
    if not contacts.show:
        summary["identifiers"] = [
            {**i, "identifier": contacts.identifier(str(i.get("identifier", "")))}
            for i in summary.get("identifiers") or [] if isinstance(i, dict)
        ]
        summary = contacts.tree(summary)
    return {
        "cluster": view.cluster_id,
        "size": view.size,
        "truncated": view.truncated,
        "members": [
            {"id": m.doc_id, "pk": m.pk, "posted_at": m.posted_at.isoformat() if m.posted_at else None,
             "location": m.location, "risk_level": m.risk_level, "risk_score": m.risk_score}
            for m in view.members
        ],
        "shared_identifiers": {view.display_identifier(k): n for k, n in view.shared.items()},
        "summary": summary,
        "graph": view.graph,
    }
