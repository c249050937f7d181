"""Background jobs (diskcache default, Celery with Redis, fallback)."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from dash import CeleryManager, DiskcacheManager

from dashboard import jobs
from dashboard.config import load_config

# --- managers -----------------------------------------------------------------------------


def test_diskcache_manager_by_default(tmp_path):
    manager = jobs.make_background_manager(load_config({"CACHE_DIR": str(tmp_path)}))
    assert isinstance(manager, DiskcacheManager)
    assert (tmp_path / "jobs").is_dir()


def test_import_connects_to_nothing(tmp_path):
    code = ("import dashboard.jobs as j, sys; "
            "sys.exit(0 if not j.celery_app.configured else 1)")
    env = dict(os.environ, REDIS_URL="redis://127.0.0.1:9/0", CACHE_DIR=str(tmp_path / "c"))
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60,
                   cwd=Path(jobs.__file__).resolve().parents[2])  # the project root
    assert not (tmp_path / "c").exists()  # and wrote nothing


def test_unreachable_redis_falls_back_and_page_serves(make_serving_app, free_port, caplog):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="dashboard.jobs"):
        app = make_serving_app(REDIS_URL=url)
    assert isinstance(app._background_manager, DiskcacheManager)
    assert "Redis is unreachable" in caplog.text
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert "unreachable at start" in client.get("/readyz").get_json()["jobs"]["detail"]


def test_celery_manager_with_redis(make_serving_app, redis_url):
    import redis

    app = make_serving_app(REDIS_URL=redis_url, EXPORT_TIME_LIMIT=30)
    manager = app._background_manager
    assert isinstance(manager, CeleryManager)
    assert manager.handle.conf.task_soft_time_limit == 30
    assert manager.handle.conf.task_time_limit > 30
    assert redis.Redis.from_url(redis_url).ping()
    ready = app.server.test_client().get("/readyz").get_json()
    assert ready["jobs"] == {"ok": True, "detail": "redis: ok"}


def test_celery_queue_length_limit(redis_url):
    import redis

    config = load_config({"REDIS_URL": redis_url, "EXPORT_QUEUE_LENGTH": "2"})
    manager = jobs.make_background_manager(config)
    assert jobs.refusal(config, manager) is None
    redis.Redis.from_url(redis_url).rpush(jobs.EXPORT_QUEUE, "a", "b")
    assert jobs.queue_depth(config, manager) == 2
    assert jobs.refusal(config, manager) == jobs.BUSY_MESSAGE


def test_celery_worker_answers(celery_worker):
    _process, url = celery_worker
    app = jobs.make_celery(load_config({"REDIS_URL": url}))
    replies = app.control.ping(timeout=5)
    assert replies, "no Celery worker answered ping"
    registered = app.control.inspect(timeout=5).registered() or {}
    # The worker imported the Dash app, so background callbacks (if any) are tasks there.
    assert registered


# --- export slots -------------------------------------------------------------------------


def test_export_slot_refuses_when_queue_full(tmp_path):
    config = load_config({"CACHE_DIR": str(tmp_path), "EXPORT_QUEUE_LENGTH": "1"})
    with jobs.export_slot(config):
        assert jobs.queue_depth(config) == 1
        assert jobs.refusal(config) == jobs.BUSY_MESSAGE
        with pytest.raises(jobs.ServerBusy, match="Server busy"):
            with jobs.export_slot(config):
                pass
    assert jobs.queue_depth(config) == 0


def test_export_slot_waits_for_concurrency(tmp_path):
    config = load_config({"CACHE_DIR": str(tmp_path), "EXPORT_QUEUE_LENGTH": "4",
                          "EXPORT_CONCURRENCY": "1"})
    order: list[str] = []
    waits: list[int] = []
    waiting = threading.Event()

    def on_wait(ahead: int) -> None:
        waits.append(ahead)
        waiting.set()

    def second():
        with jobs.export_slot(config, on_wait=on_wait):
            order.append("second")

    with jobs.export_slot(config):
        thread = threading.Thread(target=second)
        thread.start()
        # The first export leaves only once the second is seen waiting for its slot.
        assert waiting.wait(10), "the second export never waited"
        order.append("first")
    thread.join(10)
    assert order == ["first", "second"]
    assert waits and waits[0] == 1


def test_dead_process_slot_is_released(tmp_path):
    config = load_config({"CACHE_DIR": str(tmp_path), "EXPORT_QUEUE_LENGTH": "1"})
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = tmp_path / "export-slots"
    folder.mkdir()
    (folder / f"run-{dead.pid}-gone.slot").touch()
    assert jobs.refusal(config) is None
    assert not list(folder.glob("*.slot"))


def test_export_time_limit(tmp_path):
    config = load_config({"CACHE_DIR": str(tmp_path)})
    config = dataclasses.replace(config, export_time_limit_s=1)  # below the configurable 5
    started = time.monotonic()
    with pytest.raises(jobs.ExportTimeout):
        with jobs.export_slot(config):
            time.sleep(5)
    assert time.monotonic() - started < 3
    assert jobs.queue_depth(config) == 0


# --- refusals, watchdog, priority -----------------------------------------------------------


def test_refusal_says_busy_or_unavailable(tmp_path, free_port):
    config = load_config({"CACHE_DIR": str(tmp_path), "EXPORT_QUEUE_LENGTH": "1"})
    assert jobs.refusal(config) is None
    with jobs.export_slot(config):
        assert jobs.refusal(config) == jobs.BUSY_MESSAGE
    down = load_config({"CACHE_DIR": str(tmp_path),
                        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    manager = CeleryManager(jobs.make_celery(down))  # as if Redis died after start
    assert jobs.refusal(down, manager) == jobs.UNAVAILABLE_MESSAGE


def test_job_age_counts_from_first_sight_across_workers(tmp_path):
    config = load_config({"CACHE_DIR": str(tmp_path)})
    manager = jobs.make_background_manager(config)
    assert jobs.job_age_s(config, manager, "job-1~sig") == 0
    time.sleep(0.3)
    # Another web worker reads the same diskcache: the age is shared.
    other = jobs.make_background_manager(config)
    assert 0.25 <= jobs.job_age_s(config, other, "job-1~sig") < 5
    assert jobs.job_age_s(config, manager, "job-2~sig") == 0


def test_job_age_in_redis(redis_url):
    config = load_config({"REDIS_URL": redis_url})
    manager = jobs.make_background_manager(config)
    assert jobs.uses_celery(manager)
    assert jobs.job_age_s(config, manager, "job-x") == 0
    time.sleep(0.2)
    assert jobs.job_age_s(config, manager, "job-x") >= 0.15


def test_page_gives_up_after_both_limits_and_the_kill_margin():
    config = load_config({"EXPORT_TIME_LIMIT": "30"})
    assert jobs.abandon_after_s(config) == 2 * 30 + jobs.HARD_KILL_MARGIN_S
    assert jobs.celery_settings(config)["task_time_limit"] == 30 + jobs.HARD_KILL_MARGIN_S


def test_web_process_keeps_its_priority():
    before = os.nice(0)
    jobs.lower_job_priority()
    assert os.nice(0) == before
