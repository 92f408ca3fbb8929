"""Demo step: a coding agent writes a file; its Claude Code hooks record exactly its lines."""

from __future__ import annotations

import json

from tracemark.demo import DemoContext

FIRST = '''\
def slugify(title):
    return "-".join(title.lower().split())
'''
PERSON = '"""Small text helpers."""\n\n\n' + FIRST
ADDED = '''

def truncate(text, width=40):
    return text if len(text) <= width else text[: width - 1] + "…"
'''


def run(ctx: DemoContext) -> None:
    ctx.heading("An agent writes code: Claude Code hooks")
    if not (ctx.repo / ".git").exists():
        ctx.sh("git", "init", "-q", "-b", "main", show=False)
    transcript = ctx.repo.parent / "claude-transcript.jsonl"
    transcript.write_text(json.dumps({"type": "assistant", "message": {
        "model": "claude-sonnet-4-5-20250929", "role": "assistant", "content": []}}) + "\n")
    path = ctx.repo / "textutil.py"
    common = {"session_id": "demo-session-1", "transcript_path": str(transcript),
              "cwd": str(ctx.repo), "permission_mode": "default", "tool_use_id": "toolu_01"}

    def hook(event: str, tool: str, tool_input: dict, show: bool = False) -> None:
        payload = {**common, "hook_event_name": event, "tool_name": tool,
                   "tool_input": tool_input}
        if show:
            ctx.say(f"$ tracemark record --hook claude <<'EOF'\n{json.dumps(payload, indent=1)}"
                    "\nEOF")
        # Installed hooks record in the background; --sync shows the result at once here.
        ctx.tm("record", "--hook", "claude", "--sync", stdin=json.dumps(payload), show=False)

    ctx.say("`tracemark hooks install --agents` puts `tracemark record --hook claude` in")
    ctx.say(".claude/settings.json (PreToolUse and PostToolUse for Write, Edit, MultiEdit,")
    ctx.say("NotebookEdit). Claude Code pipes each tool call to it; after a Write it sends:")
    write = {"file_path": str(path), "content": FIRST}
    hook("PreToolUse", "Write", write)
    path.write_text(FIRST)
    hook("PostToolUse", "Write", write, show=True)
    ctx.say("\nA person adds a docstring by hand; then the agent edits the file again. The")
    ctx.say("PreToolUse snapshot keeps the person's line out of what the agent wrote:")
    path.write_text(PERSON)
    anchor = '    return "-".join(title.lower().split())\n'
    edit = {"file_path": str(path), "old_string": anchor, "new_string": anchor + ADDED}
    hook("PreToolUse", "Edit", edit)
    path.write_text(PERSON + ADDED)
    hook("PostToolUse", "Edit", edit)
    ctx.tm("blame", "textutil.py")
    lines = json.loads(ctx.tm("blame", "textutil.py", "--json", show=False).stdout)["lines"]
    kinds = [ln["kind"] for ln in lines]
    if kinds[0] != "human" or kinds[3:] != ["ai"] * (len(kinds) - 3):
        raise RuntimeError(f"unexpected blame of textutil.py: {kinds}")
