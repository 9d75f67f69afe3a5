"""`clinic serve`: waitress, in one process or in several (`--workers N`) that share one listening
socket. The kernel hands each new connection to one of them, so CPU-bound pages (the list, a
journal's history) use every core instead of queueing behind one process's interpreter lock.
The processes share nothing but the database, as servers on several machines do."""

from __future__ import annotations

import os
import signal
import socket

from spinewise.clinic import db

THREADS = 8


def serve(url: str | None, host: str, port: int, threads: int = THREADS, workers: int = 1, say=print) -> None:
    from spinewise.clinic.app import create_clinic_app

    db.require_current(url)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=1024)
    say(f"spinewise clinic on http://{host}:{port}/ ({workers} process(es); Ctrl+C stops it)")
    if workers == 1:
        _run(create_clinic_app(url), listener, threads)
        return
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: its own connections to the database, its own app
            _forget_parent_connections()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                _run(create_clinic_app(url), listener, threads)
            finally:
                os._exit(0)
        children.append(pid)
    _wait(children)


def _forget_parent_connections() -> None:
    for engine in db._ENGINES.values():
        engine.dispose(close=False)  # the parent's pooled connections stay the parent's
    db._ENGINES.clear()


def _run(app, listener: socket.socket, threads: int) -> None:
    from waitress import create_server

    from spinewise.clinic.app import MAX_BODY

    server = create_server(app, sockets=[listener], threads=threads, ident="spinewise", expose_tracebacks=False,
                           max_request_body_size=MAX_BODY, clear_untrusted_proxy_headers=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _wait(children: list) -> None:
    def stop(*_):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, lambda *_: (stop(), os._exit(0)))
    try:
        for pid in children:
            os.waitpid(pid, 0)
    except KeyboardInterrupt:
        stop()
        for pid in children:
            os.waitpid(pid, 0)
