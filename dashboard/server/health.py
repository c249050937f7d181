"""/healthz (the process answers) and /readyz (data loaded, job store reachable)."""

from __future__ import annotations

import logging

import dash
import flask

from dashboard import __version__, jobs
from dashboard.config import Config
from dashboard.data.model import errors_of

log = logging.getLogger("dashboard.server")  # one logger for the whole server package
MAX_PROBLEMS_LISTED = 500


def install_health(app: dash.Dash, config: Config) -> None:
    server = app.server

    def healthz():
        """Liveness: the process answers. Loads nothing."""
        return flask.jsonify(status="ok", version=__version__)

    def readyz():
        """Readiness: data loaded and validated, job store reachable."""
        report, ready = readiness(app, config)
        return flask.jsonify(report), 200 if ready else 503

    server.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    server.add_url_rule("/readyz", "readyz", readyz, methods=["GET"])


def readiness(app: dash.Dash, config: Config) -> tuple[dict, bool]:
    """(report, ready): what /readyz returns. Never raises; never includes a traceback."""
    from dashboard.runtime import get_runtime

    report: dict = {"version": __version__}
    data_ok = False
    try:
        runtime = get_runtime()
    except Exception as exc:  # any load failure means "not ready", said briefly
        log.exception("data failed to load")
        report["data"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
    else:
        rejected = [str(p) for p in errors_of(runtime.problems)]
        warnings = len(runtime.problems) - len(rejected)
        counts = runtime.counts()
        # Rejected records are reported, not fatal; an app with nothing at all to show is.
        data_ok = counts["incidents"] > 0
        report["data"] = {"ok": data_ok, "counts": counts, "warnings": warnings}
        if not data_ok:
            report["data"]["error"] = "no incidents loaded"
        report["rejected"] = rejected[:MAX_PROBLEMS_LISTED]
        if len(rejected) > MAX_PROBLEMS_LISTED:
            report["rejected_truncated"] = len(rejected) - MAX_PROBLEMS_LISTED
    manager = getattr(app, "_background_manager", None)
    jobs_ok, detail = jobs.job_store_status(config, manager)
    report["jobs"] = {"ok": jobs_ok, "detail": detail}
    ready = data_ok and jobs_ok
    report["status"] = "ready" if ready else "not ready"
    return report, ready
