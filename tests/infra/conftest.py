"""The infrastructure-rules tests reuse the language-server fixtures of ``tests/lsp``."""

from __future__ import annotations

from lsp.conftest import lsp, workspace  # noqa: F401  (fixtures, re-exported)
