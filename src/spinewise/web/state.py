"""The questionnaire's state, carried in each form instead of kept on the server.

It is signed with itsdangerous (Flask's signer) under a secret that is random per
process unless SPINEWISE_SECRET is set, and under the rule base's content hash, so a
state that was altered, made by another server or another rule base, or is older than
MAX_AGE is refused.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from spinewise.answers import check_given
from spinewise.errors import AnswersError

MAX_AGE = 8 * 60 * 60  # seconds: a questionnaire left open over a working day must be started again
SECRET_VARIABLE = "SPINEWISE_SECRET"


class StateError(Exception):
    """The form's state cannot be used; the message says why, for the 400 page."""


@dataclass(frozen=True)
class State:
    answers: dict = field(default_factory=dict, hash=False, compare=False)
    # The answers reach the stop disposition, and its advice has been shown: the server only
    # ever signs a state where the two go together, so it also tells whether they reach it.
    stop_shown: bool = False


def process_secret() -> str:
    """SPINEWISE_SECRET when set (several processes behind one address must share it), else random."""
    return os.environ.get(SECRET_VARIABLE) or secrets.token_urlsafe(32)


class Signer:
    def __init__(self, secret: str, rulebase, max_age: int = MAX_AGE):
        self.rulebase = rulebase
        self.max_age = max_age
        self._serializer = URLSafeTimedSerializer(secret, salt=f"spinewise-web {rulebase.content_hash}")

    def dump(self, state: State) -> str:
        return self._serializer.dumps({"a": state.answers, "s": int(state.stop_shown)})

    def load(self, token: str | None) -> State:
        """The state in a form field; raises StateError when it is missing, altered or expired."""
        if not token:
            raise StateError("the form arrived without the answers it carries")
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise StateError(f"this questionnaire was started more than {self.max_age // 3600} hours ago "
                             "and has expired") from None
        except BadSignature:
            raise StateError("the answers carried in the form were changed, or come from another server "
                             "or another version of the rules") from None
        answers = data.get("a") if isinstance(data, dict) else None
        if not isinstance(answers, dict):
            raise StateError("the answers carried in the form are not readable")
        try:
            check_given(self.rulebase, answers)
        except AnswersError as exc:
            raise StateError(f"the answers carried in the form do not fit these rules: {exc}") from None
        return State(answers, bool(data.get("s")))
