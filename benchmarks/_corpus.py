"""Synthetic but realistic Python sources for the rule benchmarks (deterministic)."""

from __future__ import annotations

import random

HEADER = '''import hashlib
import json
import os
import subprocess

import requests
from flask import Flask, request

app = Flask(__name__)

'''

BODIES = [
    '''def handler_{i}(user_id, items):
    """Collect the items of one user and total them."""
    total = 0
    for item in items:
        if item.get("owner") == user_id:
            total += item.get("price", 0) * item.get("qty", 1)
    data = {{"user": user_id, "total": total, "count": len(items)}}
    return json.dumps(data)

''',
    '''class Service{i}:
    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()

    def fetch(self, path):
        resp = self.session.get(self.base_url + path, timeout=10)
        resp.raise_for_status()
        return resp.json()

''',
    '''@app.route("/api/{i}")
def route_{i}():
    name = request.args.get("name", "")
    digest = hashlib.sha256(name.encode()).hexdigest()
    out = subprocess.run(["echo", name], capture_output=True, text=True)
    return {{"digest": digest, "echo": out.stdout}}

''',
    '''def parse_{i}(text):
    rows = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) >= 3 and parts[0]:
            rows.append((parts[0], int(parts[1] or 0), parts[2]))
    return sorted(rows, key=lambda r: r[1])

''',
]

VULNERABLE = '''def ai_written_{i}(cmd):
    """An AI-written helper (the span the benchmark edits)."""
    path = os.path.join("/srv", cmd)
    subprocess.run("tar czf out.tgz " + path, shell=True)
    return path

'''


def python_source(lines: int, seed: int = 7) -> tuple[str, tuple[int, int]]:
    """A source of about ``lines`` lines and the character range of one AI-written function."""
    rng = random.Random(seed)
    parts = [HEADER]
    count = HEADER.count("\n")
    i = 0
    ai_range = (0, 0)
    while count < lines:
        if ai_range == (0, 0) and count >= lines // 2:
            start = sum(len(p) for p in parts)
            body = VULNERABLE.format(i=i)
            ai_range = (start, start + len(body))
        else:
            body = rng.choice(BODIES).format(i=i)
        parts.append(body)
        count += body.count("\n")
        i += 1
    return "".join(parts), ai_range


TS_HEADER = '''import { exec } from "child_process";
import * as crypto from "crypto";
import * as path from "path";
import express, { Request, Response } from "express";

const app = express();

'''

TS_BODIES = [
    '''type Item{i} = {{ owner: string; price: number; qty?: number }};

export function handler{i}(userId: string, items: Item{i}[]): string {{
  let total = 0;
  for (const item of items) {{
    if (item.owner === userId) {{
      total += item.price * (item.qty ?? 1);
    }}
  }}
  return JSON.stringify({{ user: userId, total, count: items.length }});
}}

''',
    '''export class Service{i} {{
  constructor(private readonly baseUrl: string) {{}}

  async fetch(p: string): Promise<unknown> {{
    const resp = await fetch(this.baseUrl + p, {{ headers: {{ accept: "application/json" }} }});
    if (!resp.ok) throw new Error(`HTTP ${{resp.status}}`);
    return resp.json();
  }}
}}

''',
    '''app.get("/api/{i}", (req: Request, res: Response) => {{
  const name = String(req.query.name ?? "");
  const digest = crypto.createHash("sha256").update(name).digest("hex");
  res.json({{ digest, length: name.length }});
}});

''',
    '''export function parse{i}(text: string): Array<[string, number, string]> {{
  const rows: Array<[string, number, string]> = [];
  for (const line of text.split("\\n")) {{
    const parts = line.split(",").map((p) => p.trim());
    if (parts.length >= 3 && parts[0]) rows.push([parts[0], Number(parts[1] || 0), parts[2]]);
  }}
  return rows.sort((a, b) => a[1] - b[1]);
}}

''',
]

TS_VULNERABLE = '''export function aiWritten{i}(cmd: string): string {{
  // An AI-written helper (the span the benchmark edits).
  const target = path.join("/srv", cmd);
  exec("tar czf out.tgz " + target);
  return target;
}}

'''


def typescript_source(lines: int, seed: int = 7) -> tuple[str, tuple[int, int]]:
    """A TypeScript source of about ``lines`` lines and the range of one AI-written function."""
    rng = random.Random(seed)
    parts = [TS_HEADER]
    count = TS_HEADER.count("\n")
    i = 0
    ai_range = (0, 0)
    while count < lines:
        if ai_range == (0, 0) and count >= lines // 2:
            start = sum(len(p) for p in parts)
            body = TS_VULNERABLE.format(i=i)
            ai_range = (start, start + len(body))
        else:
            body = rng.choice(TS_BODIES).format(i=i)
        parts.append(body)
        count += body.count("\n")
        i += 1
    return "".join(parts), ai_range
