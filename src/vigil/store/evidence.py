"""Content-addressed evidence: raw bytes stored once on disk under their SHA-256.

A case can then prove what was seen and when: the digest names the bytes, the database
row (:class:`vigil.store.models.Evidence`) records the URL and capture time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from vigil.errors import NotFoundError, StoreError


class EvidenceStore:
    """Files under ``root/ab/cd/<sha256>``; writes are atomic (temporary file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise NotFoundError(f"not a SHA-256 digest: {sha256[:80]!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its hex SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            return digest
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except OSError as exc:
            raise StoreError(f"cannot write evidence {digest}: {exc.strerror}") from exc
        return digest

    def get(self, sha256: str) -> bytes:
        """The stored bytes; verified against their digest on read."""
        path = self.path_for(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"no evidence with digest {sha256}") from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"evidence {sha256} does not match its digest: the file was altered")
        return data

    def __contains__(self, sha256: object) -> bool:
        return isinstance(sha256, str) and self.path_for(sha256).exists()
