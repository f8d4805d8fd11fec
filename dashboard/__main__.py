"""``python -m dashboard [--host 127.0.0.1] [--port 8050] [--debug]``: the development
server. In production: ``gunicorn -w 2 -b 127.0.0.1:8050 dashboard.app:server``."""

from __future__ import annotations

import argparse
import os


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard",
                                     description="the gazette data dashboard")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true",
                        help="Dash debug mode (reloader, dev tools); never in production")
    args = parser.parse_args(argv)
    # debug mode's dev tools would ask plotly.com for the latest Dash version: stay offline
    os.environ.setdefault("DASH_DISABLE_VERSION_CHECK", "true")
    from dashboard.app import app

    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
