"""The lifter's side of sharing: `journal share` and `journal withdraw` talk to the clinic's web app."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from spinewise.clinic.db import ClinicError

TIMEOUT = 30


def share_journal(clinic_url: str, code: str, journal: Path) -> dict:
    try:
        data = journal.read_bytes()
    except OSError as exc:
        raise ClinicError(f"cannot read the journal {journal}: {exc.strerror}") from None
    base = _base(clinic_url, "--clinic")
    return _post(f"{base}/api/share", {"code": code, "journal": data.decode("utf-8", "replace")})


def withdraw_journal(link: str) -> dict:
    base, sep, token = link.rstrip("/").rpartition("/withdraw/")
    if not sep or not token:
        raise ClinicError(f"{link!r} is not a withdrawal link: it looks like https://clinic.example.org/withdraw/...")
    return _post(f"{_base(base, 'LINK')}/api/withdraw", {"token": token})


def _base(url: str, what: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ClinicError(f"{what} {url!r} is not a web address (http://... or https://...)")
    return url.rstrip("/")


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read()).get("error")
        except ValueError:
            message = None
        raise ClinicError(message or f"the clinic answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ClinicError(f"cannot reach the clinic at {url}: {reason}") from None
