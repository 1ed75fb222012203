"""Linking ads into networks: shared identifiers and re-used text templates, then clusters.

:func:`link_documents` is the pure in-memory core; :mod:`vigil.link.state` keeps the
index in the store so new documents join existing clusters without a full recompute.
See ``docs/linking.md``.
"""

from __future__ import annotations

from vigil.link.config import LinkConfig
from vigil.link.core import LinkResult, link_documents
from vigil.link.features import LinkFeatures, build_features

__all__ = ["LinkConfig", "LinkFeatures", "LinkResult", "build_features", "link_documents"]
