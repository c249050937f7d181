"""Configuration: one validated, frozen object read from the environment.

Nothing is read at import time; call `load_config()` (or pass a mapping in tests).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GEODATA = PROJECT_ROOT / "geodata"


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Config:
    """Settings for one process. Built by `load_config`."""

    geodata_dir: Path = DEFAULT_GEODATA
    extra_data: tuple[Path, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    # None: a random key kept in cache_dir (shared by the workers of one machine). Set
    # SECRET_KEY when web servers on several machines share one job queue.
    secret_key: str | None = None
    redis_url: str | None = None
    cache_dir: Path = PROJECT_ROOT / "cache"
    export_dir: Path = PROJECT_ROOT / "cache" / "exports"
    # Above this many incident points in view, older periods are drawn pre-summed per cell.
    point_threshold: int = 5_000
    export_time_limit_s: int = 120
    export_queue_length: int = 8
    export_concurrency: int = 1
    export_rate_limit: str = "10 per minute"
    frame_ancestors: str = "'self'"
    force_https: bool = False  # redirect to https and send HSTS (behind a TLS proxy only)
    max_request_bytes: int = 1_000_000
    # The address people open the app at ("https://example.org/aleppo/"), for the permalinks
    # burnt into exports; None: the page uses the request's host, the command line a relative
    # link (see dashboard/export/links.py).
    public_url: str | None = None


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r}: not a whole number") from exc
    if not low <= value <= high:
        raise ConfigError(f"{name}={value}: must be between {low} and {high}")
    return value


def _bool(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name}={raw!r}: expected true or false")


# scheme://host[:port]/path, nothing else: the value is printed on every export.
_PUBLIC_URL_RE = re.compile(
    r"https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~/%-]*)?")


def _public_url(env: Mapping[str, str]) -> str | None:
    raw = (env.get("PUBLIC_URL") or "").strip()
    if not raw:
        return None
    if not _PUBLIC_URL_RE.fullmatch(raw):
        raise ConfigError(
            f"PUBLIC_URL={raw[:80]!r}: not an http(s) address such as https://example.org/aleppo/ "
            "(scheme, host, optional port and path; no query, fragment, user or spaces)")
    return raw if raw.endswith("/") else raw + "/"


def load_config(env: Mapping[str, str] | None = None, **overrides) -> Config:
    """Build the configuration from environment variables (or `env`), then `overrides`."""
    env = os.environ if env is None else env
    data = env.get("DATA", "")
    extra = tuple(Path(p) for p in data.split(os.pathsep) if p.strip())
    cache_dir = Path(env.get("CACHE_DIR") or PROJECT_ROOT / "cache")
    values = dict(
        geodata_dir=Path(env.get("GEODATA_DIR") or DEFAULT_GEODATA),
        extra_data=extra,
        host=env.get("HOST") or "127.0.0.1",
        port=_int(env, "PORT", 8050, 1, 65535),
        debug=_bool(env, "DEBUG"),
        secret_key=env.get("SECRET_KEY") or None,
        redis_url=env.get("REDIS_URL") or None,
        cache_dir=cache_dir,
        export_dir=Path(env.get("EXPORT_DIR") or cache_dir / "exports"),
        point_threshold=_int(env, "POINT_THRESHOLD", 5_000, 100, 10_000_000),
        export_time_limit_s=_int(env, "EXPORT_TIME_LIMIT", 120, 5, 3600),
        export_queue_length=_int(env, "EXPORT_QUEUE_LENGTH", 8, 1, 1000),
        export_concurrency=_int(env, "EXPORT_CONCURRENCY", 1, 1, 16),
        export_rate_limit=env.get("EXPORT_RATE_LIMIT") or "10 per minute",
        frame_ancestors=env.get("FRAME_ANCESTORS") or "'self'",
        force_https=_bool(env, "FORCE_HTTPS"),
        max_request_bytes=_int(env, "MAX_REQUEST_BYTES", 1_000_000, 10_000, 100_000_000),
        public_url=_public_url(env),
    )
    values.update(overrides)
    return Config(**values)


def resolve_secret_key(config: Config) -> str:
    """The configured secret, or one generated once and kept in the cache folder (mode 600)."""
    if config.secret_key:
        return config.secret_key
    import secrets

    path = config.cache_dir / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    config.cache_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    # Another worker may have won the race: keep whichever landed first.
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()
