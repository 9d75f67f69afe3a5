"""The app's addresses, built once: werkzeug builds each by walking the URL map (about a
tenth of a question page for its four links), yet a relative address depends only on
the endpoint, its values and where the app is mounted."""

from __future__ import annotations

import flask

_BUILT: dict = {}
_MOST = 4096  # endpoints x question ids x mount points is far fewer; the bound is only a guard


def url_for(endpoint: str, **values) -> str:
    """flask.url_for, remembered for relative addresses (a leading-underscore option is built each time)."""
    if any(name.startswith("_") for name in values):
        return flask.url_for(endpoint, **values)
    key = (flask.request.script_root, endpoint, tuple(sorted(values.items())))
    built = _BUILT.get(key)
    if built is None:
        if len(_BUILT) >= _MOST:
            _BUILT.clear()
        built = _BUILT[key] = flask.url_for(endpoint, **values)
    return built
