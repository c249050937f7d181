"""Aleppo situation map. `python app.py [--host H] [--port P] [--data FILE]` runs it;
gunicorn runs `app:server`.

Importing this module builds nothing: the app (and with it the job folder and its database,
the secret, the Redis check) is made when the server starts: by `main()`, in each gunicorn
worker by `post_worker_init` (dashboard/gunicorn_conf.py), or else on the first request.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading

import dash

from dashboard.config import Config, ConfigError, load_config

_APP: dash.Dash | None = None
_LOCK = threading.Lock()


def get_app(config: Config | None = None) -> dash.Dash:
    """This process's app, built on the first call (for `config`, default the environment)."""
    global _APP
    with _LOCK:
        if _APP is None:
            from dashboard.app_factory import create_app

            _APP = create_app(config)
        return _APP


class _Server:
    """The WSGI callable gunicorn loads as `app:server`: the app's Flask server, built on
    first use. Attributes (`test_client`, `config`, ...) are the Flask server's."""

    def __call__(self, environ, start_response):
        return get_app().server(environ, start_response)

    def __getattr__(self, name: str):
        return getattr(get_app().server, name)


server = _Server()


def main(argv: list[str] | None = None) -> int:
    """Run the development server (debug only when asked for)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8050")))
    parser.add_argument("--data", action="append", default=[],
                        help="extra incident file (repeatable)")
    parser.add_argument("--debug", action="store_true", help="Dash debug mode (development only)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.data:
        env["DATA"] = os.pathsep.join(filter(None, [env.get("DATA", ""), *args.data]))
    try:
        config = load_config(env, host=args.host, port=args.port, debug=args.debug)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    app = get_app(config)
    from dashboard.callbacks.page import warm_default_page

    try:  # the first visitor's page, rendered before serving (as gunicorn workers do)
        warm_default_page()
    except Exception as exc:  # noqa: BLE001 - the page callback reports it to the visitor
        print(f"the default page failed to render: {exc}", file=sys.stderr)
    app.run(host=config.host, port=config.port, debug=config.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
