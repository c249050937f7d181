"""The runtime loaded before a fork survives the worker's own configuration (issue 11's memory
target: workers share the data the gunicorn master loaded, they do not load their own)."""

from __future__ import annotations

import dataclasses

from dashboard import runtime as runtime_module
from dashboard.config import DEFAULT_GEODATA, load_config


def test_same_settings_keep_the_loaded_runtime_other_settings_drop_it(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime_module, "_RUNTIME", None)
    monkeypatch.setattr(runtime_module, "_CONFIG", None)
    env = {"GEODATA_DIR": str(DEFAULT_GEODATA), "CACHE_DIR": str(tmp_path)}
    monkeypatch.setattr(runtime_module, "load_config", lambda: load_config(env))
    # The master: loads with the environment's settings, before any app exists.
    loaded = runtime_module.get_runtime()
    # A worker after the fork: its app makes its own Config from the same environment.
    again = load_config(env)
    assert again is not runtime_module._CONFIG
    runtime_module.configure(again)
    assert runtime_module.get_runtime() is loaded
    # Other settings are another runtime.
    runtime_module.configure(dataclasses.replace(again, point_threshold=10))
    assert runtime_module.get_runtime() is not loaded
