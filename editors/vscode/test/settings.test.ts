// Settings: the server command (plain and proxy mode) and the capture tool (issue 10).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { captureSettings, ConfigReader, DEFAULT_COMMAND, serverCommand } from '../src/settings';

function reader(values: Record<string, unknown>): ConfigReader {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

test('server command: default, list, proxy mode and a plain string', () => {
  assert.deepEqual(serverCommand(reader({})).value, { command: 'tracemark', args: ['serve'] });
  assert.deepEqual(serverCommand(reader({
    'server.command': ['tracemark', 'serve', '--wrap', 'copilot-language-server', '--stdio'],
  })).value, { command: 'tracemark', args: ['serve', '--wrap', 'copilot-language-server',
    '--stdio'] });
  assert.deepEqual(serverCommand(reader({ 'server.command': '/opt/tm/bin/tracemark serve' }))
    .value, { command: '/opt/tm/bin/tracemark', args: ['serve'] });
});

test('server command: a bad value falls back to the default and says why', () => {
  const { value, problem } = serverCommand(reader({ 'server.command': [1, 2] }));
  assert.deepEqual([value.command, ...value.args], DEFAULT_COMMAND);
  assert.match(problem!, /must be a list of strings, got \[1,2\]/);
});

test('capture settings: tool defaults to copilot, model is optional, capture is on', () => {
  assert.deepEqual(captureSettings(reader({})),
    { inlineCompletions: true, tool: 'copilot', model: undefined });
  assert.deepEqual(captureSettings(reader({ 'capture.tool': ' cursor ', 'capture.model': 'o3',
    'capture.inlineCompletions': false })), { inlineCompletions: false, tool: 'cursor',
    model: 'o3' });
});
