"""``tracemark serve``: the language server over stdio (``--tcp PORT`` for debugging), or in
front of another language server with ``--wrap CMD…`` (proxy mode, :mod:`tracemark.lsp.proxy`)."""

from __future__ import annotations

import argparse
import logging
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="run the language server (stdio; --wrap CMD... in front of another)",
        allow_abbrev=False,  # everything after --wrap belongs to the wrapped command
        description="Run the tracemark language server (LSP 3.17 plus tracemark/markRange, "
        "tracemark/spans and the tracemark.* commands: docs/protocol.md). Editors start it "
        "over stdio; --tcp listens on a local port instead, for attaching a client by hand; "
        "--wrap puts it in front of another language server (see docs/editors.md).")
    p.add_argument("--tcp", type=int, metavar="PORT", help="listen on 127.0.0.1:PORT instead "
                   "of stdio")
    p.add_argument("--host", default="127.0.0.1", help="address for --tcp (default 127.0.0.1)")
    p.add_argument("--log-file", metavar="FILE", help="write the server's log to FILE "
                   "(default: stderr)")
    p.add_argument("--log-level", default="warning",
                   choices=["debug", "info", "warning", "error"],
                   help="log detail (default warning)")
    wrap = p.add_argument_group(
        "proxy mode", "put tracemark in front of another language server (Copilot's, say): the "
        "editor starts `tracemark serve --wrap CMD...` instead of CMD and gets both servers' "
        "features, with each accepted inline completion recorded exactly, no plugin needed")
    wrap.add_argument("--tool", help="tool name recorded for accepted completions (default: "
                      "from the wrapped server's name, e.g. copilot)")
    wrap.add_argument("--model", help="model name recorded for accepted completions")
    wrap.add_argument("--wrap", nargs=argparse.REMAINDER, metavar="CMD",
                      help="the wrapped server's command and its arguments (the rest of the "
                      "line)")
    p.set_defaults(func=run)


def setup_logging(args: argparse.Namespace) -> None:
    handler: logging.Handler = (logging.FileHandler(args.log_file, encoding="utf-8")
                                if args.log_file else logging.StreamHandler(sys.stderr))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(getattr(logging, args.log_level.upper()))
    # pygls logs every message body at INFO: keep it quiet unless debugging.
    logging.getLogger("pygls").setLevel(
        logging.DEBUG if args.log_level == "debug" else logging.WARNING)


def run(args: argparse.Namespace) -> int:
    setup_logging(args)
    if args.wrap is not None:
        if args.tcp is not None:
            from tracemark.errors import InputError

            raise InputError("--wrap works over stdio only; drop --tcp")
        from tracemark.lsp.proxy import run_proxy

        return run_proxy(args.wrap, tool=args.tool, model=args.model)
    from tracemark.lsp import create_server

    server = create_server()
    if args.tcp is not None:
        if not 0 < args.tcp < 65536:
            from tracemark.errors import InputError

            raise InputError(f"--tcp {args.tcp}: not a port number (1-65535)")
        server.start_tcp(args.host, args.tcp)
    else:
        server.start_io()
    return 0
