"""The harness for end-to-end tests of ``tracemark serve``: the real server as a subprocess over
stdio, driven by pytest-lsp's client with a real editor's capability profile.

The fixtures live in ``tests/lsp/conftest.py``; this module holds the helpers they return, so
tests anywhere can import them (``from lsp_harness import MATRIX, Doc``). Use the ``lsp``
fixture, a factory::

    async def test_something(lsp, repo):
        s = await lsp("neovim", "utf-8", init={"scope": "all"})
        doc = await s.open(repo / "app.py", "x = 1\\n")
        await doc.mark(doc.line_range(0, 1), tool="copilot")
        await s.wait(lambda: doc.spans())

``Session`` keeps what the server sent (``tracemark/spans``, diagnostics, messages), ``Doc``
keeps the client's copy of a document's text and computes positions in the negotiated encoding
itself (independently of the server's code), so tests can say *where* in words:
``doc.pos("subprocess.run")``. Every session is shut down properly at the end of the test.
Semgrep is off unless a test turns it on (``init={"semgrep": True}``): it is slow and most
tests are about something else.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

#: The capability profiles pytest-lsp ships, by short name.
PROFILES = {"neovim": "neovim@v0.11.0", "vscode": "visual-studio-code@v1.65.2"}
#: (profile, encoding) pairs the main end-to-end scenarios run under: both editors in both
#: encodings (VS Code 1.65 offers no encodings, so utf-8 is added to its profile).
MATRIX = [("neovim", "utf-8"), ("neovim", "utf-16"), ("vscode", "utf-16"), ("vscode", "utf-8")]
#: Each editor in its natural encoding: for the secondary scenarios (server start-up dominates
#: their run time).
PAIRS = [("neovim", "utf-8"), ("vscode", "utf-16")]
#: Seconds a test waits for something the server should do (generous: the machine may be busy).
WAIT = 20.0
#: Seconds a test waits for a semgrep run (a process start and a scan, on a busy machine).
SEMGREP_WAIT = 90.0


def plain(obj: Any) -> Any:
    """pygls' namedtuples (custom messages) and lsprotocol objects as plain JSON values."""
    if hasattr(obj, "_asdict"):
        return {k: plain(v) for k, v in obj._asdict().items()}
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    if hasattr(obj, "__attrs_attrs__"):
        from lsprotocol.converters import get_converter

        return get_converter().unstructure(obj)
    return obj


def units(s: str, encoding: str) -> int:
    """Length of ``s`` in LSP position units (written here, not taken from the server)."""
    if encoding == "utf-8":
        return len(s.encode("utf-8"))
    if encoding == "utf-16":
        return len(s.encode("utf-16-le")) // 2
    return len(s)


def capabilities(profile: str, encoding: str | None = None, *, pull: bool = False
                 ) -> types.ClientCapabilities:
    """A shipped client profile; ``encoding`` makes it offer only that position encoding;
    ``pull`` adds pull diagnostics with ``workspace/diagnostic/refresh``."""
    caps = client_capabilities(PROFILES[profile])
    if encoding is not None:
        general = caps.general or types.GeneralClientCapabilities()
        general.position_encodings = [encoding]
        caps.general = general
    if pull:
        td = caps.text_document or types.TextDocumentClientCapabilities()
        td.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=False)
        caps.text_document = td
        ws = caps.workspace or types.WorkspaceClientCapabilities()
        ws.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
        caps.workspace = ws
    return caps


async def wait_until(predicate: Callable[[], Any], timeout: float = WAIT, what: str = ""
                     ) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what or predicate}")
        await asyncio.sleep(0.01)


class Doc:
    """The client's side of one open document: its text, version and positions."""

    def __init__(self, session: Session, uri: str, text: str, language_id: str,
                 version: int) -> None:
        self.session = session
        self.uri = uri
        self.text = text
        self.language_id = language_id
        self.version = version

    @property
    def client(self) -> LanguageClient:
        return self.session.client

    @property
    def encoding(self) -> str:
        return self.session.encoding

    # -- positions (computed client-side) ----------------------------------------------------

    def lines(self) -> list[str]:
        return self.text.split("\n")

    def offset(self, line: int, character: int) -> int:
        """Code-point offset of an LSP position (``\\n`` line breaks, as the tests write)."""
        lines = self.lines()
        start = sum(len(x) + 1 for x in lines[:line])
        text = lines[line]
        acc = 0
        for i, ch in enumerate(text):
            if acc >= character:
                return start + i
            acc += units(ch, self.encoding)
        return start + len(text)

    def position(self, offset: int) -> types.Position:
        before = self.text[:offset]
        line = before.count("\n")
        col = before[before.rfind("\n") + 1:]
        return types.Position(line=line, character=units(col, self.encoding))

    def pos(self, needle: str, nth: int = 0, delta: int = 0) -> types.Position:
        """Where the ``nth`` occurrence of ``needle`` starts (plus ``delta`` code points)."""
        at = -1
        for _ in range(nth + 1):
            at = self.text.index(needle, at + 1)
        return self.position(at + delta)

    def range_of(self, needle: str, nth: int = 0) -> types.Range:
        start = self.pos(needle, nth)
        off = self.offset(start.line, start.character)
        return types.Range(start=start, end=self.position(off + len(needle)))

    def line_range(self, first: int, last_exclusive: int) -> types.Range:
        """Whole lines ``first`` up to (not including) ``last_exclusive``."""
        return types.Range(start=types.Position(line=first, character=0),
                           end=types.Position(line=last_exclusive, character=0))

    @staticmethod
    def plain_range(rng: types.Range) -> dict[str, Any]:
        """A range as the JSON object commands take in their arguments."""
        return plain(rng)

    def text_in(self, rng: Any) -> str:
        r = plain(rng)
        a = self.offset(r["start"]["line"], r["start"]["character"])
        b = self.offset(r["end"]["line"], r["end"]["character"])
        return self.text[a:b]

    # -- edits -------------------------------------------------------------------------------

    def change(self, rng: types.Range, new_text: str) -> None:
        """One incremental ``didChange`` replacing ``rng`` with ``new_text``."""
        self.changes([(rng, new_text)])

    def changes(self, edits: list[tuple[types.Range, str]]) -> None:
        """Several content changes in one ``didChange`` (applied in order, like an editor)."""
        for rng, new in edits:
            a = self.offset(rng.start.line, rng.start.character)
            b = self.offset(rng.end.line, rng.end.character)
            self.text = self.text[:a] + new + self.text[b:]
        self.version += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri,
                                                                version=self.version),
            content_changes=[types.TextDocumentContentChangePartial(range=r, text=t)
                             for r, t in edits]))

    def insert(self, at: types.Position, new_text: str) -> None:
        self.change(types.Range(start=at, end=at), new_text)

    def replace(self, needle: str, new_text: str, nth: int = 0) -> None:
        self.change(self.range_of(needle, nth), new_text)

    def type_text(self, at: types.Position, new_text: str) -> None:
        """Type ``new_text`` one character per ``didChange``, as a person would."""
        off = self.offset(at.line, at.character)
        for i, ch in enumerate(new_text):
            self.insert(self.position(off + i), ch)

    def set_text(self, new_text: str) -> None:
        """A whole-document ``didChange`` (a reload, a formatter)."""
        self.text = new_text
        self.version += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri,
                                                                version=self.version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)]))

    def save(self, to_disk: bool = True) -> None:
        path = self.path
        if to_disk and path is not None:
            path.write_text(self.text, encoding="utf-8")
        self.client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri)))

    def close(self) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri)))

    @property
    def path(self) -> Path | None:
        if self.uri.startswith("file://"):
            from urllib.parse import unquote, urlparse

            return Path(unquote(urlparse(self.uri).path))
        return None

    # -- requests ----------------------------------------------------------------------------

    async def mark(self, rng: types.Range | None, kind: str = "ai", tool: str | None = "copilot",
                   model: str | None = "gpt-4.1", version: int | None = None) -> dict[str, Any]:
        """``tracemark/markRange`` as a request, as an editor plugin sends it."""
        params: dict[str, Any] = {
            "textDocument": {"uri": self.uri,
                             "version": self.version if version is None else version},
            "origin": {"kind": kind, "tool": tool, "model": model},
        }
        if rng is not None:
            params["range"] = plain(rng)
        return plain(await self.client.protocol.send_request_async("tracemark/markRange",
                                                                   params))

    async def insert_ai(self, at: types.Position, block: str, **origin: Any) -> types.Range:
        """Insert ``block`` and mark it as AI, as a plugin does after an accepted completion."""
        start = self.offset(at.line, at.character)
        self.insert(at, block)
        rng = types.Range(start=at, end=self.position(start + len(block)))
        result = await self.mark(rng, **origin)
        assert result["applied"], result
        return rng

    async def hover(self, pos: types.Position) -> types.Hover | None:
        return await self.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri), position=pos))

    async def lenses(self) -> list[types.CodeLens]:
        return list(await self.client.text_document_code_lens_async(types.CodeLensParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri))) or [])

    async def code_actions(self, rng: types.Range,
                           diagnostics: list[types.Diagnostic] | None = None,
                           only: list[str] | None = None) -> list[types.CodeAction]:
        return list(await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri), range=rng,
            context=types.CodeActionContext(diagnostics=diagnostics or [], only=only))) or [])

    async def command(self, name: str, *arguments: Any) -> Any:
        return await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=name, arguments=list(arguments)))

    def apply(self, edit: types.WorkspaceEdit) -> None:
        """Apply a code action's edit the way an editor does: one ``didChange``."""
        edits = (edit.changes or {}).get(self.uri, [])
        self.changes([(e.range, e.new_text) for e in edits])

    # -- what the server said ----------------------------------------------------------------

    def spans(self) -> list[dict[str, Any]] | None:
        """The latest ``tracemark/spans`` for this document (``None`` before the first)."""
        sent = self.session.spans.get(self.uri)
        return sent[-1]["spans"] if sent else None

    def span_texts(self) -> list[str]:
        """The text each span of the latest notification covers (on the client's text)."""
        return [self.text_in(s["range"]) for s in (self.spans() or [])]

    async def wait_spans(self, predicate: Callable[[list[dict[str, Any]]], Any],
                         what: str = "spans") -> list[dict[str, Any]]:
        def check() -> Any:
            sent = self.session.spans.get(self.uri)
            if not sent or sent[-1]["version"] != self.version:
                return None
            return (sent[-1]["spans"],) if predicate(sent[-1]["spans"]) else None

        return (await wait_until(check, what=what))[0]

    def published(self) -> types.PublishDiagnosticsParams | None:
        sent = self.session.published.get(self.uri)
        return sent[-1] if sent else None

    def diagnostics(self) -> list[types.Diagnostic]:
        last = self.published()
        return list(last.diagnostics) if last is not None else []

    async def wait_diagnostics(self, predicate: Callable[[list[types.Diagnostic]], Any],
                               what: str = "diagnostics", timeout: float = WAIT
                               ) -> list[types.Diagnostic]:
        """Diagnostics of the current version that satisfy ``predicate`` (published, or pulled
        when the session uses pull diagnostics)."""
        if self.session.pull:
            async def pulled() -> list[types.Diagnostic]:
                report = await self.pull()
                return list(report.items)

            deadline = time.monotonic() + timeout
            while True:
                items = await pulled()
                if predicate(items):
                    return items
                if time.monotonic() > deadline:
                    raise AssertionError(f"timed out waiting for {what}: last pull {items}")
                await asyncio.sleep(0.05)
        def check() -> bool:
            last = self.published()
            return (last is not None and last.version == self.version
                    and bool(predicate(list(last.diagnostics))))

        await wait_until(check, timeout, what=f"{what} (version {self.version})")
        return self.diagnostics()

    async def pull(self, previous: str | None = None) -> Any:
        return await self.client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri),
            previous_result_id=previous))


class Session:
    """One running server and the client talking to it."""

    def __init__(self, client: LanguageClient, encoding: str, pull: bool) -> None:
        self.client = client
        self.encoding = encoding
        self.pull = pull
        #: ``tracemark/spans`` notifications per URI, oldest first, as plain JSON.
        self.spans: dict[str, list[dict[str, Any]]] = {}
        #: Methods the server registered dynamically; refresh requests received, per method.
        self.registrations: list[str] = []
        self.refreshes: dict[str, int] = {}
        #: ``textDocument/publishDiagnostics`` per URI, oldest first.
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.docs: dict[str, Doc] = {}

    async def open(self, where: Path | str, text: str, language_id: str = "python",
                   version: int = 1) -> Doc:
        """``didOpen`` a file (a path, written to disk too) or a URI (``untitled:...``)."""
        if isinstance(where, Path):
            where.parent.mkdir(parents=True, exist_ok=True)
            where.write_text(text, encoding="utf-8")
            uri = where.resolve().as_uri()
        else:
            uri = where
        doc = Doc(self, uri, text, language_id, version)
        self.docs[uri] = doc
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language_id,
                                                 version=version, text=text)))
        return doc

    async def wait(self, predicate: Callable[[], Any], what: str = "", timeout: float = WAIT
                   ) -> Any:
        return await wait_until(predicate, timeout, what)

    def shown(self) -> list[str]:
        """``window/showMessage`` texts received so far."""
        return [m.message for m in self.client.messages]

    def logged(self) -> list[str]:
        return [m.message for m in self.client.log_messages]

    async def alive(self) -> None:
        """Prove the server still answers: a request that must get its normal answer."""
        answer = await asyncio.wait_for(self.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri="untitled:alive-check"),
            position=types.Position(line=0, character=0))), WAIT)
        assert answer is None


Starter = Callable[..., Awaitable[Session]]


def client_converter() -> Any:
    """pygls' converter, with lsprotocol's ``Command | CodeAction`` hook corrected: it takes any
    object with a ``command`` member for a ``Command``, so a ``CodeAction`` that runs a command
    would lose its kind and title (editors tell them apart by ``command`` being a string)."""
    from typing import Union

    converter = default_converter()

    def hook(obj: Any, _: type) -> Any:
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], hook)  # noqa: UP007
    return converter


def server_command(*args: str) -> list[str]:
    """``tracemark serve ARGS`` with this Python (the project's venv)."""
    return [sys.executable, "-m", "tracemark", "serve", *args]




async def start_session(profile: str = "vscode", encoding: str | None = None, *,
                        init: Any = None, configuration: Any = None, root: Path,
                        env: dict[str, str] | None = None, pull: bool = False,
                        raw_init: bool = False, args: tuple[str, ...] = ()) -> Session:
    """Start ``tracemark serve ARGS`` and initialize it as the given editor would.

    ``init`` are the initializationOptions (``{"semgrep": False}`` is added unless given or
    ``raw_init``), ``configuration`` the client's ``workspace/configuration`` answer for
    ``tracemark``, ``root`` the workspace folder, ``env`` extra environment for the server,
    ``pull`` whether the client offers pull diagnostics (with refresh), ``args`` extra
    arguments for ``tracemark serve``.
    """
    client = LanguageClient(converter_factory=client_converter)
    session = Session(client, encoding or "utf-16", pull)

    def on_publish(_client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        session.published.setdefault(params.uri, []).append(params)
        _client.diagnostics[params.uri] = params.diagnostics

    def on_spans(_client: LanguageClient, params: Any) -> None:
        p = plain(params)
        session.spans.setdefault(p["uri"], []).append(p)

    def on_register(_client: LanguageClient, params: types.RegistrationParams) -> None:
        session.registrations.extend(r.method for r in params.registrations)

    def on_refresh(method: str) -> Callable[[LanguageClient, Any], None]:
        def refresh(_client: LanguageClient, params: Any) -> None:
            session.refreshes[method] = session.refreshes.get(method, 0) + 1
        return refresh

    register_lsp_features(client, {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: on_publish,
        "tracemark/spans": on_spans,
        # What a real editor answers: registrations accepted, refresh requests honoured.
        types.CLIENT_REGISTER_CAPABILITY: on_register,
        types.WORKSPACE_CODE_LENS_REFRESH: on_refresh(types.WORKSPACE_CODE_LENS_REFRESH),
        types.WORKSPACE_INLAY_HINT_REFRESH: on_refresh(types.WORKSPACE_INLAY_HINT_REFRESH),
    })
    if configuration is not None:
        client.set_configuration(configuration, section="tracemark")
    await client.start_io(*server_command(*args), env={**os.environ, **(env or {})})
    options = init
    if not raw_init:
        options = {"semgrep": False, **(init or {})} if isinstance(init, dict | None) else init
    result = await client.initialize_session(types.InitializeParams(
        capabilities=capabilities(profile, encoding, pull=pull),
        initialization_options=options,
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
    ))
    negotiated = result.capabilities.position_encoding or "utf-16"
    session.encoding = str(getattr(negotiated, "value", negotiated))
    if encoding is not None:
        assert session.encoding == encoding, (session.encoding, encoding)
    return session


async def stop_session(session: Session) -> None:
    """``shutdown`` + ``exit``, then wait for the process."""
    try:
        await asyncio.wait_for(session.client.shutdown_session(), WAIT)
    finally:
        await session.client.stop()
