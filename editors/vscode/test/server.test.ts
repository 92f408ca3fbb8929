// The extension's capture path against the real language server (issue 10): what the accept
// diff produces, sent from Node over JSON-RPC (vscode-jsonrpc, the library vscode-languageclient
// uses), becomes the AI span the server reports back, and that span maps to the decorations and
// the "AI 50%" the extension shows. VS Code itself cannot run here; this is the closest check.
//
// The server command comes from TRACEMARK_SERVER (make vscode sets it to the project's
// .venv/bin/tracemark), else `tracemark` on PATH; without either the test is skipped, saying so.
import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import {
  createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter,
} from 'vscode-jsonrpc/node';

import { acceptMarkParams } from '../src/acceptDiff';
import { MARK_RANGE, SPANS } from '../src/ids';
import { aiPercent, decorationRanges, SpansParams } from '../src/spans';

function serverCommand(): string | undefined {
  if (process.env.TRACEMARK_SERVER) {
    return process.env.TRACEMARK_SERVER;
  }
  try {
    execFileSync('tracemark', ['--version'], { stdio: 'ignore' });
    return 'tracemark';
  } catch {
    return undefined;
  }
}

const command = serverCommand();

test('capture path: accept diff -> tracemark/markRange -> tracemark/spans -> decorations',
  { skip: command ? false : 'no tracemark server (set TRACEMARK_SERVER)', timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracemark-vscode-'));
    let server: ChildProcess | undefined;
    let connection: MessageConnection | undefined;
    try {
      execFileSync('git', ['init', '-q', dir]);
      const before = 'import subprocess\n\n\n';
      const after = 'import subprocess\n\ndef run(cmd):\n    return subprocess.run(cmd, shell=True)\n';
      const file = join(dir, 'app.py');
      writeFileSync(file, before);
      const uri = pathToFileURL(file).toString();

      server = spawn(command!, ['serve'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
      connection = createMessageConnection(new StreamMessageReader(server.stdout!),
        new StreamMessageWriter(server.stdin!));
      const spans: SpansParams[] = [];
      let notify: () => void = () => undefined;
      connection.onNotification(SPANS, (params: SpansParams) => {
        spans.push(params);
        notify();
      });
      connection.onRequest('workspace/configuration', () => [{}]);
      connection.onRequest('client/registerCapability', () => null);
      connection.onNotification(() => undefined);
      connection.listen();

      await connection.sendRequest('initialize', {
        processId: process.pid, rootUri: pathToFileURL(dir).toString(),
        capabilities: { general: { positionEncodings: ['utf-16'] },
          workspace: { configuration: true } },
        initializationOptions: { semgrep: false, heuristic: false },
      });
      await connection.sendNotification('initialized', {});
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'python', version: 1, text: before } });
      // What VS Code sends when the accepted completion is inserted on line 3.
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
          text: 'def run(cmd):\n    return subprocess.run(cmd, shell=True)' }],
      });
      const params = acceptMarkParams(uri, 2, before, after, 'copilot', 'gpt-4.1')!;
      const result: { applied: boolean } = await connection.sendRequest(MARK_RANGE, params);
      assert.equal(result.applied, true);

      const deadline = Date.now() + 20_000;
      let last: SpansParams | undefined;
      while (Date.now() < deadline) {
        last = spans.filter((p) => p.uri === uri && p.spans.length > 0).pop();
        if (last) {
          break;
        }
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, 200);
        });
      }
      assert.ok(last, 'no tracemark/spans with the accepted span');
      assert.equal(last.version, 2);
      assert.deepEqual(last.spans.map((s) => [s.kind, s.tool, s.model, s.confidence]),
        [['ai', 'copilot', 'gpt-4.1', 'exact']]);
      assert.deepEqual(last.spans[0].range, params.range);
      // VS Code: 5 lines ("...shell=True)\n" leaves an empty last line).
      assert.deepEqual(decorationRanges(last.spans, 5).ai, [{ startLine: 2, endLine: 3 }]);
      assert.equal(aiPercent(last.spans, 5, true), 50);

      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    } finally {
      connection?.dispose();
      if (server && server.exitCode === null) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            server!.kill();
            resolve();
          }, 10_000);
          server!.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
