"""Random secrets and how they are kept: only their SHA-256 is stored (the secrets module makes
them; hashlib keeps them; argon2-cffi hashes passwords with Argon2id). No home-made crypto."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud and typed by hand
_HASHER = PasswordHasher()  # Argon2id with the library's recommended parameters
MIN_PASSWORD = 12


def token() -> str:
    return secrets.token_urlsafe(32)


def share_code() -> str:
    """Ten characters from a hand-typable alphabet (about 49 bits), shown as XXXXX-XXXXX."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normal_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == 10 else cleaned


def label() -> str:
    return "L-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    if not stored:
        _HASHER.hash(password)  # the same work whether or not the account exists
        return False
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def same(a: str, b: str) -> bool:
    return secrets.compare_digest(a.encode(), b.encode())
