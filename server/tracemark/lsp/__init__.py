"""The language server: a thin pygls shell over capture, tracking, rules and the ledger."""
