"""The language server: a thin pygls shell over capture, tracking, rules and the ledger.

One module per feature (``sync``, ``capture``, ``persistence``, ``spans_notify``, ``hover``,
``code_lens``, ``inlay_hints``, ``code_actions``, ``diagnostics``, ``provenance``,
``configuration``); ``server.py`` wires them. Nothing outside this package imports pygls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracemark.lsp.server import TracemarkServer


def create_server() -> TracemarkServer:
    """A fully wired server, not started (``server.start_io()`` / ``start_tcp(host, port)``)."""
    from tracemark.lsp.server import create_server as _create

    return _create()


__all__ = ["create_server"]
