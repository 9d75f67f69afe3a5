"""The questionnaire's state, carried in a cookie instead of kept on the server.

Each page that changes the answers is a POST that sets the cookie and redirects to a GET
page (Post/Redirect/Get), so the browser's Back and Forward buttons and a reload show a
page rendered from the answers as they are now, and no answer is ever in an address.

The cookie holds what the forms held before: the answers so far, whether the stop
advice was shown, and (once) a refused answer to show again with its error, as compact
JSON in URL-safe base64. It is signed (HMAC-SHA256) and timestamped with itsdangerous (Flask's signer)
under a secret that is random per process unless SPINEWISE_SECRET is set, and under the
rule base's content hash (not compressed: trying zlib on every answer cost more than the
rest of signing, for a cookie well under a kilobyte either way); it is HttpOnly,
SameSite=Strict, Secure on https, and lasts until the browser closes. In front of the
signed value sits a short key id, so a cookie signed before a restart is told apart
from one that was altered.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner


MAX_AGE = 8 * 60 * 60  # seconds: a questionnaire left open over a working day must be started again
SECRET_VARIABLE = "SPINEWISE_SECRET"


class StateError(Exception):
    """The cookie's state cannot be used; `kind` picks the page that explains why."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind  # missing, restarted, rules_changed, expired, unreadable


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
    # ever signs a state where the two go together, so it also tells whether they reach it.
    stop_shown: bool = False
    refused: Refused | None = None


def process_secret() -> str:
    """SPINEWISE_SECRET when set (several processes behind one address must share it), else random."""
    return os.environ.get(SECRET_VARIABLE) or secrets.token_urlsafe(32)


class Signer:
    def __init__(self, secret: str, rulebase, max_age: int = MAX_AGE):
        self.rulebase = rulebase
        self.max_age = max_age
        # hashlib.sha256 itself, not itsdangerous's lazy SHA-1 wrapper: hmac then takes OpenSSL's path
        self._signer = TimestampSigner(secret, salt=f"spinewise-web {rulebase.content_hash}",
                                       digest_method=hashlib.sha256)
        self._key_id = hmac.new(secret.encode(), b"spinewise key id", hashlib.sha256).hexdigest()[:8]
        self._rules_id = rulebase.content_hash[:8]

    def dump(self, state: State) -> str:
        data = {"a": state.answers, "s": int(state.stop_shown)}
        if state.refused:
            refused = state.refused
            data["r"] = [refused.question, refused.error, refused.typed, list(refused.ticked)]
        payload = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=")
        return f"{self._key_id}{self._rules_id}.{self._signer.sign(payload).decode()}"

    def load(self, token: str | None) -> State:
        """The state in the cookie; raises StateError saying why it cannot be used."""
        if not token:
            raise StateError("missing", "there are no answers in progress in this browser")
        ids, _, signed = token.partition(".")
        if ids[:8] != self._key_id:
            raise StateError("restarted", "the server was restarted since the answers were given")
        if ids[8:] != self._rules_id:
            raise StateError("rules_changed", "the questions were updated since the answers were given")
        try:
            payload = self._signer.unsign(signed, max_age=self.max_age)
        except SignatureExpired:
            raise StateError("expired", f"the questionnaire was started more than {self.max_age // 3600} hours "
                                        "ago") from None
        except BadSignature:
            raise StateError("unreadable", "the answers kept in this browser could not be read") from None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))
        except (binascii.Error, ValueError):  # signed, so only a server bug gets here
            raise StateError("unreadable", "the answers kept in this browser could not be read") from None
        # Not checked again: only this server signs, only answers it has read and checked,
        # under this rule base's hash (in the salt and the cookie's rules id).
        answers = data.get("a") if isinstance(data, dict) else None
        if not isinstance(answers, dict):
            raise StateError("unreadable", "the answers kept in this browser could not be read")
        return State(answers, bool(data.get("s")), _refused(data.get("r")))


def _refused(value) -> Refused | None:
    if (isinstance(value, list) and len(value) == 4 and all(isinstance(item, str) for item in value[:3])
            and isinstance(value[3], list)):
        return Refused(value[0], value[1], value[2], tuple(str(item) for item in value[3]))
    return None


# --- the cookie ----------------------------------------------------------------------------
# One cookie per flow: another flow (a weekly check-in, say) passes its own name and signer.

COOKIE = "spinewise_answers"


def read_cookie(request, signer: Signer, name: str = COOKIE) -> State:
    return signer.load(_cookie_value(request.environ.get("HTTP_COOKIE", ""), name))


def _cookie_value(header: str, name: str) -> str | None:
    """The first value of cookie `name` in a Cookie header. What this server signs is base64 and
    dots, never quoted, so werkzeug's full cookie parser (a few percent of a page) is not needed."""
    prefix = name + "="
    for part in header.split(";"):
        part = part.strip()
        if part.startswith(prefix):
            return part[len(prefix):]
    return None


def write_cookie(response, request, signer: Signer, state: State, name: str = COOKIE):
    """Keep `state` in the browser until it closes: owner-only, never sent to another site."""
    response.set_cookie(name, signer.dump(state), httponly=True, samesite="Strict", secure=request.is_secure,
                        path="/")
    return response


def forget_cookie(response, request, name: str = COOKIE):
    response.delete_cookie(name, path="/", httponly=True, samesite="Strict", secure=request.is_secure)
    return response
