"""``python -m dashboard [--host 127.0.0.1] [--port 8050] [--debug]``: the development
server. In production: ``python -m dashboard --production [--host 127.0.0.1] [--port 8050]``
(``make serve``): waitress, which slow or idle clients cannot starve (dashboard/serve.py)."""

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
    parser.add_argument("--production", action="store_true",
                        help="the production server (waitress, threaded, event-loop I/O)")
    parser.add_argument("--threads", type=int, default=None,
                        help="worker threads of the production server (default 8)")
    args = parser.parse_args(argv)
    if args.production and args.debug:
        parser.error("--debug is for development only, not with --production")
    # debug mode's dev tools would ask plotly.com for the latest Dash version: stay offline
    os.environ.setdefault("DASH_DISABLE_VERSION_CHECK", "true")
    if args.production:
        from dashboard import serve

        serve.run(args.host, args.port, args.threads or serve.THREADS)
        return
    from dashboard.app import app

    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
