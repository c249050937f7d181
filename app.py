"""Aleppo situation map. `python app.py [--host H] [--port P] [--data FILE]` runs it;
gunicorn runs `app:server`."""

from __future__ import annotations

import argparse
import os
import sys

from dashboard.app_factory import create_app
from dashboard.config import ConfigError, load_config

app = create_app()
server = app.server


def main(argv: list[str] | None = None) -> int:
    """Run the development server (debug only when asked for)."""
    parser = argparse.ArgumentParser(description=__doc__)
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
    run_app = create_app(config)
    run_app.run(host=config.host, port=config.port, debug=config.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
