"""Settings from the client: ``initializationOptions``, ``workspace/configuration`` and
``workspace/didChangeConfiguration``; also the position-encoding negotiation at ``initialize``.

Layers, lowest first: defaults, ``initializationOptions``, the ``tracemark`` section of
``workspace/configuration``. Bad values are reported once each (``window/showMessage``) and
replaced by the layer below; nothing here can stop the server.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from tracemark.lsp.config import SECTION, Settings, describe, parse_settings
from tracemark.lsp.server import TracemarkServer, handler

log = logging.getLogger("tracemark.lsp.configuration")


class Configuration:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server
        self.init_layer = Settings()

    def on_initialize(self, params: types.InitializeParams) -> None:
        self.server.negotiate(params)
        settings, warnings = parse_settings(params.initialization_options)
        self.init_layer = settings
        self.server.settings = settings
        self._warn(warnings)
        self.server.events.emit("initialize", params)

    async def on_initialized(self, params: types.InitializedParams) -> None:
        server = self.server
        server.log_client(
            f"tracemark {server.version} ready (position encoding {server.encoding.value})"
        )
        await self.pull()  # first: documents opened right away should see the user's settings
        if server.client_has("workspace.did_change_configuration.dynamic_registration"):
            try:
                await server.client_register_capability_async(types.RegistrationParams(
                    registrations=[types.Registration(
                        id="tracemark-configuration",
                        method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                        register_options=types.DidChangeConfigurationRegistrationOptions(
                            section=SECTION),
                    )]))
            except Exception as err:  # a client that refuses: settings still work on restart
                log.info("didChangeConfiguration registration refused: %s", err)

    async def pull(self) -> None:
        """Ask the client for the ``tracemark`` section, when it can answer."""
        if not self.server.client_has("workspace.configuration"):
            return
        try:
            result = await self.server.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        except Exception as err:
            self.server.log_client(f"workspace/configuration failed: {err}; keeping settings",
                                   types.MessageType.Warning)
            return
        # pygls hands the JSON array over as a tuple.
        raw = result[0] if isinstance(result, list | tuple) and result else None
        self.apply(raw)

    def apply(self, raw: Any) -> None:
        settings, warnings = parse_settings(raw, self.init_layer)
        self._warn(warnings)
        old = self.server.settings
        self.server.settings = settings
        if settings != old:
            self.server.log_client(f"settings: {describe(settings)}")
            self.server.events.emit("settings", old, settings)

    async def on_did_change(self, params: types.DidChangeConfigurationParams) -> None:
        raw = params.settings
        if isinstance(raw, dict) and isinstance(raw.get(SECTION), dict):
            self.apply(raw[SECTION])  # pushed with the notification (older clients)
        else:
            await self.pull()

    def _warn(self, warnings: list[str]) -> None:
        for w in warnings:
            self.server.tell_once(f"config:{w}", w)


def register(server: TracemarkServer) -> Configuration:
    feature = Configuration(server)
    server.feature(types.INITIALIZE)(handler(feature.on_initialize))
    server.feature(types.INITIALIZED)(handler(feature.on_initialized))
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(handler(feature.on_did_change))
    return feature
