"""Capture: learning that text is AI-written (editor heuristics, agent hook payloads)."""
