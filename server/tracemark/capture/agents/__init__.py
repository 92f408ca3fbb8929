"""Capture from coding agents: Claude Code, Cursor and Copilot hooks, and a generic JSON.

``tracemark record --hook TOOL`` runs :mod:`.front` (standard library only: the agent waits for
it), which captures the files a payload names and queues the event in the :mod:`.spool`; the
drainer parses the payload with the tool's pydantic model (:mod:`.claude`, :mod:`.cursor`,
:mod:`.copilot`, :mod:`.generic` → :class:`.events.AgentEvent`), works out the lines the step
wrote (:mod:`.attribute`) and records them in the ledger (:mod:`.recorder`).
"""
