"""Rules: the schema and loader, the fast tree-sitter engine, and the semgrep deep tier."""
