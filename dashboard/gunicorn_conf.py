"""Gunicorn settings: `gunicorn --config dashboard/gunicorn_conf.py app:server`.

Environment: HOST, PORT, WORKERS (2), THREADS (4), TIMEOUT (60 s), GRACEFUL_TIMEOUT (30 s),
KEEPALIVE (5 s), LOG_LEVEL (info), GUNICORN_ACCESS_LOG=1 for gunicorn's own access lines (the
app already logs one line per request, logger `dashboard.access`).

The master imports the app and loads and validates the data once, before it forks the workers
(preload_app; PRELOAD_APP=0 turns it off): the data is read-only, so the workers share its
memory pages instead of each holding a private copy (at a million events, ~1 GB each). The
garbage collector's pass over those objects would write to every page (and copy it), so the
loaded objects are frozen out of its reach (gc.freeze). Each worker then renders one page
(post_worker_init) so Dash's own first-request setup is done before real traffic.
"""

from __future__ import annotations

import gc
import logging
import os


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{_env_int('PORT', 8050)}"
workers = _env_int("WORKERS", 2)
# Threads let one worker answer several viewers while another callback is running.
worker_class = "gthread"
threads = _env_int("THREADS", 4)
timeout = _env_int("TIMEOUT", 60)
# On SIGTERM workers stop accepting and finish in-flight requests for up to this long.
graceful_timeout = _env_int("GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("KEEPALIVE", 5)
preload_app = os.environ.get("PRELOAD_APP", "1") != "0"
# A heartbeat file on tmpfs: a worker blocked on a slow disk is not mistaken for a hung one.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Gunicorn 27's control socket defaults to one path per user; several servers on one machine
# (tests, load tests) would fight over it, and nothing here uses it.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "") != "1"
# Bounded request line and headers (the body limit is MAX_REQUEST_BYTES, enforced by Flask).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

loglevel = os.environ.get("LOG_LEVEL", "info")
accesslog = "-"
# %(M)s: request time in milliseconds.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
_access_level = "INFO" if os.environ.get("GUNICORN_ACCESS_LOG") == "1" else "WARNING"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": loglevel.upper(), "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": _access_level, "handlers": [], "propagate": True},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stderr",
        },
    },
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s",
            "class": "logging.Formatter",
        },
    },
}


def when_ready(server) -> None:
    """In the master, after the app is imported and before the workers fork (preload_app):
    load the data and build what every page reads, then freeze it out of the GC's reach."""
    if not server.cfg.preload_app:
        return
    from dashboard.runtime import get_runtime

    log = logging.getLogger("dashboard.gunicorn")
    try:
        runtime = get_runtime()
        runtime.warm()
    except Exception:  # each worker tries again and /readyz says what is wrong
        log.exception("master: data failed to load before fork")
        return
    gc.collect()
    gc.freeze()
    log.info("master: data loaded before fork %s", runtime.counts())


def post_worker_init(worker) -> None:
    """Build this worker's app, then load and validate its data once, after fork.

    (Not post_fork: that runs before the worker imports the app, and create_app() replaces the
    runtime's configuration, which would drop a runtime loaded earlier.) A failure is logged
    and left to /readyz to report; the worker still serves /healthz.
    """
    from app import get_app
    from dashboard.runtime import get_runtime

    log = logging.getLogger("dashboard.gunicorn")
    try:
        get_app()  # the job folder, the secret, the Redis check: made here, not at import
        runtime = get_runtime()
    except Exception:  # the worker stays up so /readyz can say what is wrong
        log.exception("worker %s: data failed to load", worker.pid)
        return
    log.info("worker %s: data loaded %s", worker.pid, runtime.counts())
    # Render the page once so Dash's first-request setup is done before real traffic arrives,
    # and the default link's page so the first visitor does not wait for it.
    status = worker.wsgi.test_client().get("/").status_code
    log.info("worker %s: warm-up GET / -> %s", worker.pid, status)
    from dashboard.callbacks.page import warm_default_page

    try:
        log.info("worker %s: default page rendered in %.2f s", worker.pid, warm_default_page())
    except Exception:  # the page callback reports it to the visitor; nothing to stop here
        log.exception("worker %s: the default page failed to render", worker.pid)


def worker_abort(worker) -> None:
    """Log a worker killed for exceeding `timeout` (its request was hung)."""
    logging.getLogger("dashboard.gunicorn").error("worker %s timed out and was aborted", worker.pid)
