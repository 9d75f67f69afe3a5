"""The lifter's side of sharing: `journal share` and `journal withdraw` talk to the clinic's web app."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from spinewise.clinic.db import ClinicError
from spinewise.i18n import gettext, language

TIMEOUT = 30


def share_journal(clinic_url: str, code: str, journal: Path) -> dict:
    try:
        data = journal.read_bytes()
    except OSError as exc:
        raise ClinicError(gettext("cannot read the journal %(journal)s: %(reason)s") % {
            "journal": journal, "reason": exc.strerror}) from None
    base = _base(clinic_url, "--clinic")
    return _post(f"{base}/api/share", {"code": code, "journal": data.decode("utf-8", "replace")})


def withdraw_journal(link: str) -> dict:
    base, sep, token = link.rstrip("/").rpartition("/withdraw/")
    if not sep or not token:
        raise ClinicError(gettext("%(link)s is not a withdrawal link: it looks like "
                                  "https://clinic.example.org/withdraw/...") % {"link": repr(link)})
    return _post(f"{_base(base, 'LINK')}/api/withdraw", {"token": token})


def _base(url: str, what: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ClinicError(gettext("%(what)s %(url)s is not a web address (http://... or https://...)") % {
            "what": what, "url": repr(url)})
    return url.rstrip("/")


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Accept": "application/json",
                                              # the clinic answers a refusal in the lifter's language
                                              "Accept-Language": language()})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read()).get("error")
        except ValueError:
            message = None
        raise ClinicError(message or gettext("the clinic answered %(status)s %(reason)s") % {
            "status": exc.code, "reason": exc.reason}) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ClinicError(gettext("cannot reach the clinic at %(url)s: %(reason)s") % {"url": url, "reason": reason}) from None
