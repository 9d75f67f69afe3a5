"""Serve one listening socket from N processes (`serve --workers N`, `clinic serve --workers N`).

One Python process serves its pages on one core: its interpreter lock lets one thread run Python
at a time, so waitress's threads take turns, and past a few connections they spend CPU handing the
lock and the connections to each other (benchmarks/web.py measures it). N processes forked after
the socket is bound each run their own waitress on it; the kernel hands each new connection to one
of them, and they share nothing else. Both web servers use this, so it sits outside their layers."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0 picks a free one), before any process is forked."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    return socket.create_server((host.strip("[]"), port), family=family, backlog=1024)


def url_of(host, port: int) -> str:
    """The address a person opens: http://host:port/, an IPv6 host in brackets."""
    host = str(host).strip("[]")
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}/"


def run_waitress(server) -> None:
    """Run a waitress server until Ctrl-C or SIGTERM, then close it."""
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def serve_forked(workers: int, run: Callable[[], None]) -> None:
    """Run `run` (which serves the already-bound socket until stopped) in `workers` child processes
    and wait for them; Ctrl-C or SIGTERM to this process stops every child. With one worker `run`
    runs here, unforked.

    Ctrl-C and SIGTERM are held back while the workers are forked and only let in once this
    process is ready to pass them on: one arriving at the start would otherwise stop this process
    alone and leave its workers serving."""
    if workers == 1:
        run()
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    children = []
    try:
        for _ in range(workers):
            pid = os.fork()
            if pid == 0:  # a worker: stops on SIGTERM from the parent; Ctrl-C in a terminal is the parent's
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
                try:
                    run()
                finally:
                    os._exit(0)
            children.append(pid)
    except BaseException:
        _stop(children)
        _reap(children)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    _wait(children, held)


def _wait(children: list[int], held) -> None:
    signal.signal(signal.SIGTERM, lambda *_: (_stop(children), _reap(children), os._exit(0)))
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a signal held back is handled from here
        _reap(children)
    except KeyboardInterrupt:
        _stop(children)
        _reap(children)


def _stop(children: list[int]) -> None:
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def _reap(children: list[int]) -> None:
    for pid in children:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
