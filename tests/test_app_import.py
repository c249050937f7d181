"""Importing app.py does nothing but define things; the app is built once, when serving starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import dash

ROOT = Path(__file__).resolve().parents[1]


def test_importing_app_creates_no_file_and_opens_no_connection(tmp_path):
    cache = tmp_path / "cache"
    with socket.socket() as listener:  # stands in for Redis: nothing may connect to it
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        env = dict(os.environ, CACHE_DIR=str(cache), EXPORT_DIR=str(tmp_path / "exports"),
                   REDIS_URL=f"redis://127.0.0.1:{port}/0")  # fmt: skip
        code = "import app, sys; sys.exit(0 if app._APP is None else 3)"
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, timeout=120,
                              capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        listener.setblocking(False)
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            connection = None
        assert connection is None, "importing app.py connected to Redis"
    assert not cache.exists() and not (tmp_path / "exports").exists()


def test_main_builds_one_app_and_gunicorns_server_is_it(tmp_path, monkeypatch):
    import app as app_module
    from dashboard import app_factory

    built = []
    real_create_app = app_factory.create_app

    def counting_create_app(config=None):
        built.append(real_create_app(config))
        return built[-1]

    served = []
    monkeypatch.setattr(app_module, "_APP", None)
    monkeypatch.setattr(app_factory, "create_app", counting_create_app)
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: served.append((self, kw)))
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert app_module.main(["--port", "59090"]) == 0
    assert len(built) == 1 and served[0][0] is built[0]
    assert served[0][1]["port"] == 59090
    assert app_module.server.config["APP_CONFIG"].port == 59090  # the same app, not a second
    assert len(built) == 1
