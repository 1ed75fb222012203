"""The one exception tree of Vigil.

Every error Vigil raises on purpose derives from :class:`VigilError`. Third-party
errors are translated at the boundary (``raise ... from exc``) so callers handle one
family. The HTTP layer renders each class with its ``code`` and ``http_status``; the
command line prints ``str(error)`` and exits with ``exit_code``.

    VigilError
    ├── ConfigError            bad or missing setting
    ├── InputError             bad user input (file, option, query)
    │   ├── DocumentError      a record that breaks the document contract
    │   ├── FormatError        a file whose format cannot be read
    │   ├── PayloadTooLarge    a batch or body over its documented limit (HTTP 413)
    │   └── IntegrityError     a signed package or file whose signature or hashes do not verify
    ├── StoreError             the database or evidence store failed
    │   └── MigrationError     the schema could not be brought up to date
    ├── NotFoundError          a thing asked for does not exist
    ├── AuthError              not logged in / bad credentials
    │   └── PermissionDenied   logged in, but the role may not do this
    ├── RateLimited            too many attempts
    ├── EngineError            the batch engine (local pool or Dask) failed
    └── AuditError             the audit chain does not verify
"""

from __future__ import annotations


class VigilError(Exception):
    """Base of every error Vigil raises on purpose."""

    code = "vigil_error"
    http_status = 500
    exit_code = 1

    def __init__(self, message: str = "", **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ConfigError(VigilError):
    code = "config_error"
    exit_code = 2


class InputError(VigilError):
    code = "invalid_input"
    http_status = 422
    exit_code = 2


class DocumentError(InputError):
    """A record breaks the document contract; ``line`` is 1-based when known."""

    code = "invalid_document"

    def __init__(self, message: str, line: int | None = None, **details: object) -> None:
        super().__init__(message, **details)
        self.line = line


class FormatError(InputError):
    code = "unreadable_format"


class PayloadTooLarge(InputError):
    """A request or batch bigger than the documented limit."""

    code = "too_large"
    http_status = 413


class IntegrityError(InputError):
    """A package refused: its signature, a key or a file's hash does not verify; the message names the file."""

    code = "integrity_failed"


class StoreError(VigilError):
    code = "store_error"
    exit_code = 3


class MigrationError(StoreError):
    code = "migration_error"


class NotFoundError(VigilError):
    code = "not_found"
    http_status = 404


class AuthError(VigilError):
    code = "not_authenticated"
    http_status = 401


class PermissionDenied(AuthError):
    code = "forbidden"
    http_status = 403


class RateLimited(VigilError):
    code = "rate_limited"
    http_status = 429


class EngineError(VigilError):
    code = "engine_error"


class AuditError(VigilError):
    code = "audit_chain_broken"
    exit_code = 4
