"""Run the web questionnaire under waitress until Ctrl-C."""

from __future__ import annotations

import ipaddress

THREADS = 4  # waitress's default; benchmarks/web.py measures with the same settings
PLAIN_NETWORK_WARNING = ("warning: {host} is not a loopback address, so answers cross the network "
                         "unencrypted unless a TLS proxy (https) is in front of spinewise")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def make_server(app, host: str, port: int, sockets=None):
    """A waitress server for `app` on host:port, or on already-bound `sockets` (a worker of several):
    no access log (waitress writes none), no tracebacks to clients."""
    import logging

    from waitress import create_server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" under load: noise
    where = {"sockets": sockets} if sockets else {"host": host, "port": port}
    return create_server(app, **where, threads=THREADS, ident="spinewise", expose_tracebacks=False,
                         max_request_body_size=outer_body_limit(), clear_untrusted_proxy_headers=True)


def outer_body_limit() -> int:
    """Waitress's limit, set from the app's one limit (a journal upload, web/checkin.py) and well above
    it: the app refuses a body over its limit with its own page, which waitress's plain text is not.
    Waitress refuses only what is many times larger than any form here, before it reaches the app."""
    from spinewise.web.checkin import MAX_JOURNAL

    return 8 * MAX_JOURNAL


def address(server) -> str:
    from spinewise.workers import url_of

    return url_of(server.effective_host, server.effective_port)


def serve(rules_dir, host: str, port: int, say, workers: int = 1) -> None:
    """Serve until Ctrl-C; `say` prints a line for the person who started it. With `workers` > 1,
    that many processes serve one socket (spinewise/workers.py): the app, its rule base and its
    secret are made once here and inherited by each, so a cookie sealed by one opens in another."""
    from spinewise import workers as processes
    from spinewise.i18n import language
    from spinewise.web import create_app
    from spinewise.web.report_page import pdf_available

    app = create_app(rules_dir, lang=language())  # `serve --lang` sets the default for browsers that ask for none
    pdf_available()  # decide once, before the first report, whether the PDF download is offered
    if not is_loopback(host):
        say(PLAIN_NETWORK_WARNING.format(host=host))
    if workers == 1:
        server = make_server(app, host, port)
        say(f"spinewise: the web questionnaire is at {address(server)} (Ctrl-C stops)")
        processes.run_waitress(server)
    else:
        listener = processes.listen(host, port)
        where = processes.url_of(host, listener.getsockname()[1])
        say(f"spinewise: the web questionnaire is at {where} ({workers} processes; Ctrl-C stops)")
        processes.serve_forked(workers, lambda: processes.run_waitress(make_server(app, host, port, [listener])))
    say("spinewise: stopped")
