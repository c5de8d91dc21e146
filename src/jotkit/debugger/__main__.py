"""``python -m jotkit.debugger [--host H] [--port P] [--open]``: serve the debugger."""

from __future__ import annotations

import argparse

from . import serve


def main(argv: list[str] | None = None) -> None:
    """Parse the few options and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m jotkit.debugger", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    args = parser.parse_args(argv)
    serve(args.host, args.port, open_browser=args.open)


if __name__ == "__main__":
    main()
