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
    runs here, unforked."""
    if workers == 1:
        run()
        return
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: stops on SIGTERM from the parent; Ctrl-C in a terminal reaches it too
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                run()
            finally:
                os._exit(0)
        children.append(pid)
    _wait(children)


def _wait(children: list[int]) -> None:
    def stop(*_):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, lambda *_: (stop(), _reap(children), os._exit(0)))
    try:
        _reap(children)
    except KeyboardInterrupt:
        stop()
        _reap(children)


def _reap(children: list[int]) -> None:
    for pid in children:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
