// Span-to-decoration mapping and the status bar share (issue 10, VS Code painting).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { aiPercent, decorationRanges, lineKinds, Span, statusText, toolSummary }
  from '../src/spans';

function span(sl: number, sc: number, el: number, ec: number, kind = 'ai', tool = 'copilot',
  model: string | null = null): Span {
  return { range: { start: { line: sl, character: sc }, end: { line: el, character: ec } },
    kind, tool, model };
}

test('decorations: one whole-line range per run of AI lines', () => {
  const deco = decorationRanges([span(2, 0, 4, 0), span(4, 0, 5, 10), span(9, 3, 9, 8)], 20);
  assert.deepEqual(deco.ai, [{ startLine: 2, endLine: 5 }, { startLine: 9, endLine: 9 }]);
  assert.deepEqual(deco.modified, []);
});

test('decorations: an end at character 0 does not take in that line', () => {
  assert.deepEqual([...lineKinds([span(1, 0, 3, 0)], 10).keys()], [1, 2]);
  assert.deepEqual([...lineKinds([span(1, 4, 1, 4)], 10).keys()], [1], 'an empty span');
});

test('decorations: an edited AI line wins over a plain one and gets its own colour', () => {
  const deco = decorationRanges([span(0, 0, 3, 0), span(1, 2, 1, 5, 'ai-modified')], 10);
  assert.deepEqual(deco.ai, [{ startLine: 0, endLine: 0 }, { startLine: 2, endLine: 2 }]);
  assert.deepEqual(deco.modified, [{ startLine: 1, endLine: 1 }]);
});

test('decorations: lines past the end of the document are dropped', () => {
  assert.deepEqual(decorationRanges([span(3, 0, 8, 0)], 5).ai, [{ startLine: 3, endLine: 4 }]);
});

test('status bar: AI share of the lines, the final empty line not counted', () => {
  // "import x\n\ndef f():\n    pass\n": 5 lines in VS Code, the last one empty.
  assert.equal(aiPercent([span(2, 0, 3, 8)], 5, true), 50);
  assert.equal(aiPercent([span(2, 0, 3, 8)], 5, false), 40);
  assert.equal(aiPercent([], 1, true), 0);
  assert.equal(aiPercent([span(0, 0, 0, 1)], 3), 33);
  assert.equal(statusText(23), 'AI 23%');
  assert.equal(statusText(undefined), '');
});

test('status bar tooltip: lines per tool and model', () => {
  const summary = toolSummary([span(0, 0, 2, 0, 'ai', 'copilot', 'gpt-4.1'),
    span(5, 0, 5, 4, 'ai', 'chat')], 10);
  assert.equal(summary, 'chat 1 line, copilot:gpt-4.1 2 lines');
});
