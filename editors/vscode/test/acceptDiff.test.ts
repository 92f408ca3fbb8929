// The accept diff: what an accepted inline completion inserted (issue 10, VS Code capture).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { acceptMarkParams, insertedRegion, positionAt } from '../src/acceptDiff';

test('accept diff: a multi-line completion on an empty line', () => {
  const before = 'import subprocess\n\n\n';
  const after = 'import subprocess\n\ndef run(cmd):\n    return subprocess.run(cmd, shell=True)\n';
  const region = insertedRegion(before, after);
  assert.deepEqual(region, { start: 19, end: 19 + 56 });
  assert.equal(after.slice(region!.start, region!.end),
    'def run(cmd):\n    return subprocess.run(cmd, shell=True)');
});

test('accept diff: what the user typed before accepting is not the AI\'s', () => {
  const region = insertedRegion('x\ndef r\n', 'x\ndef run(cmd):\n    pass\n');
  assert.deepEqual(region, { start: 7, end: 24 });
});

test('accept diff: an auto-closed bracket after the cursor stays out', () => {
  assert.deepEqual(insertedRegion('f()', 'f(abc)'), { start: 2, end: 5 });
});

test('accept diff: no change or a deletion inserts nothing', () => {
  assert.equal(insertedRegion('same', 'same'), undefined);
  assert.equal(insertedRegion('abc', 'ac'), undefined);
});

test('accept diff: surrogate pairs are not split', () => {
  // U+1D11E is two UTF-16 code units; the two emoji share their high surrogate.
  const region = insertedRegion('a\u{1F600}', 'a\u{1F601}\u{1F600}');
  assert.deepEqual(region, { start: 1, end: 3 });
});

test('accept diff: positions count UTF-16 units and all line breaks', () => {
  const text = 'é\u{1D11E}x\r\nsecond\rthird\nfourth';
  assert.deepEqual(positionAt(text, 3), { line: 0, character: 3 });
  assert.deepEqual(positionAt(text, 4), { line: 0, character: 4 });
  assert.deepEqual(positionAt(text, 5), { line: 0, character: 5 }, 'between \\r and \\n');
  assert.deepEqual(positionAt(text, 6), { line: 1, character: 0 });
  assert.deepEqual(positionAt(text, 13), { line: 2, character: 0 });
  assert.deepEqual(positionAt(text, 19), { line: 3, character: 0 });
  assert.deepEqual(positionAt(text, 999), { line: 3, character: 6 });
});

test('accept diff: the tracemark/markRange parameters carry tool, model and version', () => {
  const params = acceptMarkParams('file:///w/app.py', 7, 'a\n', 'a\nb = 1\n', 'copilot',
    'gpt-4.1');
  assert.deepEqual(params, {
    textDocument: { uri: 'file:///w/app.py', version: 7 },
    range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } },
    origin: { kind: 'ai', tool: 'copilot', model: 'gpt-4.1' },
  });
  assert.equal(acceptMarkParams('file:///w/app.py', 7, 'a', 'a', 'copilot'), undefined);
  assert.equal(acceptMarkParams('u', 1, '', 'x', 'copilot')!.origin.model, undefined);
});
