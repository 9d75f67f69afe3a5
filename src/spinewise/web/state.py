"""The web's state, carried in a cookie instead of kept on the server, encrypted.

Each page that changes the answers is a POST that sets the cookie and redirects to a GET
page (Post/Redirect/Get), so the browser's Back and Forward buttons and a reload show a
page rendered from the answers as they are now, and no answer is ever in an address.

The cookie holds the answers so far (and, for a check-in, the uploaded journal), as
compact JSON sealed with AES-256-GCM (`cryptography`'s AESGCM: authenticated encryption,
a fresh random 96-bit nonce per cookie) under a key derived with HKDF-SHA256 from a
secret that is random per process unless SPINEWISE_SECRET is set, and from the rule
base's content hash. Whoever reads the cookie (a browser extension, a shared computer's
cookie store, a proxy log) sees only ciphertext; a changed byte makes it unreadable.
The time it was sealed is inside the ciphertext. In front of it, in clear, sit a short
key id and rules id, so a cookie sealed before a restart or under other questions is
told apart from one that was altered (neither says anything about the answers).

Each questionnaire or check-in carries a random run id. "Start again" and a new
check-in retire the run they replace: this process keeps the retired ids (random bytes,
never an answer) in memory until they would have expired anyway, and refuses a cookie
that holds one. That is the whole of what the server keeps, and its limits are real:
another process sharing SPINEWISE_SECRET does not know which runs this one retired, and a
retired run is forgotten at a restart (which changes the key unless SPINEWISE_SECRET is
set, so the old cookie is refused then too). A copy of a cookie taken while its run was
in progress is usable until the run is retired or MAX_AGE passes, like any bearer token.

The cookie is HttpOnly, SameSite=Lax (sent when the lifter follows a link from another
site, so such a link never loses the answers; never sent with another site's POST, and
only POSTs change the answers), Secure on https, and lasts until the browser closes.
A cookie longer than a browser takes (a check-in's journal) is split into numbered parts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAX_AGE = 8 * 60 * 60  # seconds: a questionnaire left open over a working day must be started again
SECRET_VARIABLE = "SPINEWISE_SECRET"
NONCE = 12


class StateError(Exception):
    """The cookie's state cannot be used; `kind` picks the page that explains why."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind  # missing, restarted, rules_changed, expired, unreadable, retired


@dataclass(frozen=True)
class Refused:
    """An answer that was refused, shown once more with its error on the question's page."""

    question: str
    error: str
    typed: str = ""  # a number field's text
    ticked: tuple = ()  # the boxes that were ticked


@dataclass(frozen=True)
class State:
    answers: dict = field(default_factory=dict, hash=False, compare=False)
    # The answers reach the stop disposition, and its advice has been shown: the server only
    # ever seals a state where the two go together, so it also tells whether they reach it.
    stop_shown: bool = False
    refused: Refused | None = None
    run: str = ""  # the questionnaire's random id: "Start again" retires it


def process_secret() -> str:
    """SPINEWISE_SECRET when set (several processes behind one address must share it), else random."""
    return os.environ.get(SECRET_VARIABLE) or secrets.token_urlsafe(32)


def new_run() -> str:
    return secrets.token_urlsafe(12)


class Retired:
    """The run ids this process has retired, each until it would have expired anyway (bounded)."""

    MOST = 100_000  # 16 bytes and a float each: a few megabytes at the very most

    def __init__(self):
        self._until: dict = {}
        self._lock = threading.Lock()

    def add(self, run: str, max_age: int) -> None:
        if not run:
            return
        now = time.time()
        with self._lock:
            if len(self._until) >= self.MOST:
                self._until = {r: t for r, t in self._until.items() if t > now}
                if len(self._until) >= self.MOST:  # still full: the oldest go first
                    for old in sorted(self._until, key=self._until.get)[: self.MOST // 10]:
                        del self._until[old]
            self._until[run] = now + max_age

    def __contains__(self, run: str) -> bool:
        until = self._until.get(run)
        return until is not None and until > time.time()


class Sealer:
    """Seals a JSON value into a cookie value and opens it again (AES-256-GCM, see the module)."""

    def __init__(self, secret: str, rulebase, max_age: int = MAX_AGE, purpose: str = "spinewise-web",
                 compress: bool = False):
        self.rulebase = rulebase
        self.max_age = max_age
        self.compress = compress
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=f"{purpose} {rulebase.content_hash}".encode()).derive(secret.encode())
        self._aead = AESGCM(key)
        self._key_id = hmac.new(secret.encode(), b"spinewise key id", hashlib.sha256).hexdigest()[:8]
        self._rules_id = rulebase.content_hash[:8]
        self._purpose = purpose.encode()
        self.retired = Retired()

    def seal(self, value) -> str:
        ids = f"{self._key_id}{self._rules_id}"
        plain = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        if self.compress:
            plain = zlib.compress(plain, 6)
        nonce = os.urandom(NONCE)
        sealed = self._aead.encrypt(nonce, struct.pack(">Q", int(time.time())) + plain, ids.encode() + self._purpose)
        return f"{ids}.{base64.urlsafe_b64encode(nonce + sealed).rstrip(b'=').decode()}"

    def open(self, token: str | None):
        """The value in the cookie; raises StateError saying why it cannot be used."""
        if not token:
            raise StateError("missing", "there are no answers in progress in this browser")
        ids, _, sealed = token.partition(".")
        if ids[:8] != self._key_id:
            raise StateError("restarted", "the server was restarted since the answers were given")
        if ids[8:] != self._rules_id:
            raise StateError("rules_changed", "the questions were updated since the answers were given")
        try:
            raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
            plain = self._aead.decrypt(raw[:NONCE], raw[NONCE:], ids.encode() + self._purpose)
        except (binascii.Error, ValueError, InvalidTag):
            raise StateError("unreadable", "the answers kept in this browser could not be read") from None
        (sealed_at,) = struct.unpack(">Q", plain[:8])
        if time.time() - sealed_at > self.max_age:
            raise StateError("expired", f"the questionnaire was started more than {self.max_age // 3600} hours "
                                        "ago")
        body = plain[8:]
        try:
            if self.compress:
                body = zlib.decompress(body)
            return json.loads(body)
        except (zlib.error, ValueError, RecursionError):  # sealed by this server, so only a server bug gets here
            raise StateError("unreadable", "the answers kept in this browser could not be read") from None

    # The questionnaire's state ---------------------------------------------------------------

    def dump(self, state: State) -> str:
        data = {"a": state.answers, "s": int(state.stop_shown), "n": state.run}
        if state.refused:
            refused = state.refused
            data["r"] = [refused.question, refused.error, refused.typed, list(refused.ticked)]
        return self.seal(data)

    def load(self, token: str | None) -> State:
        data = self.open(token)
        # Not checked again: only this server seals, only answers it has read and checked,
        # under this rule base's hash (in the key and the cookie's rules id).
        answers = data.get("a") if isinstance(data, dict) else None
        if not isinstance(answers, dict):
            raise StateError("unreadable", "the answers kept in this browser could not be read")
        run = data.get("n") if isinstance(data.get("n"), str) else ""
        if run in self.retired:
            raise StateError("retired", "these answers belong to a questionnaire that was started again")
        return State(answers, bool(data.get("s")), _refused(data.get("r")), run)

    def retire(self, run: str) -> None:
        self.retired.add(run, self.max_age)


Signer = Sealer  # the name it had while the state was only signed


def _refused(value) -> Refused | None:
    if (isinstance(value, list) and len(value) == 4 and all(isinstance(item, str) for item in value[:3])
            and isinstance(value[3], list)):
        return Refused(value[0], value[1], value[2], tuple(str(item) for item in value[3]))
    return None


# --- the cookie ----------------------------------------------------------------------------
# One cookie per flow: the weekly check-in passes its own name, path and sealer.

COOKIE = "spinewise_answers"
PART = 3800  # characters of value per cookie: browsers take 4,096 bytes for a cookie's name and value
MOST_PARTS = 40  # 152,000 characters: under waitress's 256 KiB for a request's headers, with room


def read_cookie(request, signer: Sealer, name: str = COOKIE) -> State:
    return signer.load(cookie_value(request, name))


def cookie_value(request, name: str) -> str | None:
    """The value of cookie `name`, joined again from its numbered parts when it was split."""
    header = request.environ.get("HTTP_COOKIE", "")
    first = _cookie_value(header, name)
    if first is None:
        return None
    parts = [first]
    for number in range(1, MOST_PARTS):
        part = _cookie_value(header, f"{name}_{number}")
        if part is None:
            break
        parts.append(part)
    return "".join(parts)


def _cookie_value(header: str, name: str) -> str | None:
    """The first value of cookie `name` in a Cookie header. What this server seals is base64 and
    dots, never quoted, so werkzeug's full cookie parser (a few percent of a page) is not needed."""
    prefix = name + "="
    for part in header.split(";"):
        part = part.strip()
        if part.startswith(prefix):
            return part[len(prefix):]
    return None


def fits(value: str) -> bool:
    return len(value) <= PART * MOST_PARTS


def write_cookie(response, request, signer: Sealer, state: State, name: str = COOKIE):
    """Keep `state` in the browser until it closes: owner-only."""
    return write_value(response, request, signer.dump(state), name)


def write_value(response, request, value: str, name: str = COOKIE, path: str = "/"):
    """Set cookie `name` to `value`, in numbered parts when it is longer than one cookie takes;
    parts left from a longer value are dropped. The caller checks `fits(value)` first."""
    parts = [value[start:start + PART] for start in range(0, len(value), PART)] or [""]
    for number, part in enumerate(parts):
        response.set_cookie(_part_name(name, number), part, httponly=True, samesite="Lax",
                            secure=request.is_secure, path=path)
    header = request.environ.get("HTTP_COOKIE", "")
    for number in range(len(parts), MOST_PARTS):
        if _cookie_value(header, _part_name(name, number)) is None:
            break
        response.delete_cookie(_part_name(name, number), path=path, httponly=True, samesite="Lax",
                               secure=request.is_secure)
    return response


def _part_name(name: str, number: int) -> str:
    return name if number == 0 else f"{name}_{number}"


def forget_cookie(response, request, name: str = COOKIE, path: str = "/"):
    """Drop the cookie (and its parts) the browser sent; a cookie it did not send is left alone."""
    header = request.environ.get("HTTP_COOKIE", "")
    for number in range(MOST_PARTS):
        if _cookie_value(header, _part_name(name, number)) is None:
            break
        response.delete_cookie(_part_name(name, number), path=path, httponly=True, samesite="Lax",
                               secure=request.is_secure)
    return response
