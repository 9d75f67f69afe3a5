"""`clinic serve`: waitress, in one process or in several (`--workers N`) that share one listening
socket (spinewise/workers.py). The kernel hands each new connection to one of them, so CPU-bound
pages (the list, a journal's history) use every core instead of queueing behind one process's
interpreter lock. The processes share nothing but the database, as servers on several machines do."""

from __future__ import annotations

import socket

from spinewise import workers as processes
from spinewise.clinic import db
from spinewise.i18n import ngettext

THREADS = 8


def serve(url: str | None, host: str, port: int, threads: int = THREADS, workers: int = 1, say=print) -> None:
    from spinewise.clinic.app import create_clinic_app

    db.require_current(url)
    listener = processes.listen(host, port)
    where = processes.url_of(host, listener.getsockname()[1])  # with --port 0, the port picked
    say(ngettext("spinewise clinic on %(url)s (%(count)s process; Ctrl+C stops it)",
                 "spinewise clinic on %(url)s (%(count)s processes; Ctrl+C stops it)", workers)
        % {"url": where, "count": workers})

    def run():
        if workers > 1:  # a worker: its own connections to the database, its own app
            _forget_parent_connections()
        _run(create_clinic_app(url), listener, threads)

    processes.serve_forked(workers, run)


def _forget_parent_connections() -> None:
    for engine in db._ENGINES.values():
        engine.dispose(close=False)  # the parent's pooled connections stay the parent's
    db._ENGINES.clear()


def _run(app, listener: socket.socket, threads: int) -> None:
    from waitress import create_server

    from spinewise.clinic.app import MAX_BODY

    server = create_server(app, sockets=[listener], threads=threads, ident="spinewise", expose_tracebacks=False,
                           max_request_body_size=MAX_BODY, clear_untrusted_proxy_headers=True)
    processes.run_waitress(server)
