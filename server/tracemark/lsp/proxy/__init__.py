"""Proxy mode: ``tracemark serve --wrap CMD…`` puts tracemark in front of another language server.

The editor talks to one server; behind it are two: the wrapped server (Copilot's language
server, say) as a subprocess, and tracemark's own server (:func:`create_server`, the very same
features as ``tracemark serve``) in-process. The proxy

- forwards every message both ways, keeping each message's body byte for byte when it does not
  have to change it, and renumbering the request ids it sends to each side so that the
  editor's, the wrapped server's and tracemark's own requests never clash;
- answers ``initialize`` with the two servers' capabilities merged (the wrapped server picks
  the position encoding, tracemark is told to use the same one);
- sends document sync to both (an incremental change becomes a full-text one for a wrapped
  server that asked for full sync: tracemark already holds the text), routes each request to the
  server that provides it, and merges answers that both give (code actions, code lenses, inlay
  hints, hover); diagnostics the two publish for one document are merged too;
- replaces the ``command`` of every ``InlineCompletionItem`` the wrapped server returns with its
  own, :data:`ACCEPT_COMMAND`. Editors run an item's command right after inserting it, so that
  command tells exactly which item was accepted: tracemark finds the inserted text, marks it
  ``ai`` (tool from ``--tool`` or the wrapped server's name), and then runs the item's original
  command on the wrapped server and returns its answer. Partial accepts that the editor reports
  with Copilot's ``textDocument/didPartiallyAcceptCompletion`` are marked too, and items the
  editor echoes back to the wrapped server carry its own command again.

Any LSP editor (Helix, Emacs eglot, Neovim without the plugin, …) thus gets exact capture of
accepted completions with no plugin. If the wrapped server cannot start or dies, the editor is
told once and tracemark goes on serving alone.

Why hand-written: no library proxies LSP while rewriting messages; the JSON-RPC framing here
is the few lines the base protocol needs, and everything LSP-specific is delegated to pygls
through the in-process server.

Modules: :mod:`.framing` (the base protocol), :mod:`.accepted` (what an accepted item
inserted), :mod:`.merge` (capabilities and answers of two servers as one), :mod:`.router` (the
proxy), :mod:`.run` (stdio).
"""

from __future__ import annotations

from tracemark.lsp.proxy.accepted import (
    ACCEPT_COMMAND,
    PARTIAL_ACCEPT,
    accepted_region,
    common_prefix,
    common_suffix,
    insert_text_of,
    snippet_text,
    utf16_prefix,
)
from tracemark.lsp.proxy.framing import FramingError, dumps, frame, read_message
from tracemark.lsp.proxy.merge import merge_capabilities, merge_results, tool_name
from tracemark.lsp.proxy.router import Endpoint, Offered, Proxy
from tracemark.lsp.proxy.run import check_command, run_proxy, serve_proxy

__all__ = [
    "ACCEPT_COMMAND",
    "PARTIAL_ACCEPT",
    "Endpoint",
    "FramingError",
    "Offered",
    "Proxy",
    "accepted_region",
    "check_command",
    "common_prefix",
    "common_suffix",
    "dumps",
    "frame",
    "insert_text_of",
    "merge_capabilities",
    "merge_results",
    "read_message",
    "run_proxy",
    "serve_proxy",
    "snippet_text",
    "tool_name",
    "utf16_prefix",
]
