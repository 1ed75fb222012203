"""Secrets of the web app: the signing key, password and key hashing, tokens and signed cookies.

Login throttling lives in :mod:`vigil.web.throttle`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from vigil.errors import ConfigError

SECRET_KEY_BYTES = 32
API_KEY_PREFIX = "vgl_"


def load_secret_key(path: Path) -> bytes:
    """The key in ``path``, created (0600, owner only) on first use."""
    try:
        if path.exists():
            key = path.read_bytes().strip()
            if len(key) < SECRET_KEY_BYTES:
                raise ConfigError(f"secret key file {path} is too short (need {SECRET_KEY_BYTES}+ bytes)")
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(SECRET_KEY_BYTES).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    except FileExistsError:
        # Another process created it between our check and open: use theirs.
        return load_secret_key(path)
    except OSError as exc:
        raise ConfigError(f"cannot read or create the secret key file {path}: {exc.strerror}") from exc


class Passwords:
    """Hashes and checks passwords with argon2id (argon2-cffi's RFC 9106 defaults unless given)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; always spends one argon2 verification.

        Checking against a throwaway hash when the account does not exist keeps a failed
        login equally slow whether or not the name is known.
        """
        if self._dummy is None:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        try:
            return self.hasher.verify(password_hash or self._dummy, password) and password_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)


#: The hashing in use; tests swap in cheaper argon2 parameters.
PASSWORDS = Passwords()


def hash_password(password: str) -> str:
    return PASSWORDS.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    return PASSWORDS.verify(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return PASSWORDS.needs_rehash(password_hash)


def new_token() -> str:
    """A random URL-safe token (session ids, CSRF tokens)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """SHA-256 of a high-entropy token; enough for lookup since the token cannot be guessed."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_key() -> tuple[str, str]:
    """A fresh API key and its short public prefix (shown in lists so keys can be told apart)."""
    prefix = secrets.token_hex(4)
    return f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix


def new_password() -> str:
    return secrets.token_urlsafe(15)


class CookieSigner:
    """Signs cookie values with the app's secret key, so forged cookies are refused before any lookup."""

    def __init__(self, key: bytes, salt: str) -> None:
        self._signer = TimestampSigner(key, salt=salt)

    def sign(self, value: str) -> str:
        return self._signer.sign(value).decode()

    def unsign(self, signed: str, max_age: int) -> str | None:
        try:
            return self._signer.unsign(signed, max_age=max_age).decode()
        except (BadSignature, SignatureExpired, UnicodeDecodeError):
            return None
