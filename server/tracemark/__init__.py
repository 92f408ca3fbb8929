"""tracemark: knows which code an AI wrote, checks it as it is written, proves it in CI.

The package follows the pipeline: ``capture`` → ``tracking`` → ``rules`` → ``attest`` → ``gate``,
over a shared ``model`` and ``ledger``. ``lsp`` and ``cli`` are thin shells over them; nothing
below those two imports pygls.
"""

__version__ = "0.1.0"
