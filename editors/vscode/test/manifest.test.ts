// package.json declares what the code uses: commands, keybindings and settings (issue 10).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { ACCEPT_WRAPPERS, COMMANDS } from '../src/ids';
import { DEFAULT_COMMAND } from '../src/settings';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const contributes = manifest.contributes;

test('manifest: every command the extension registers is declared', () => {
  const declared = new Set(contributes.commands.map((c: { command: string }) => c.command));
  for (const id of [...Object.values(ACCEPT_WRAPPERS), ...Object.values(COMMANDS)]) {
    assert.ok(declared.has(id), `${id} is not in contributes.commands`);
  }
  for (const id of declared) {
    assert.ok(!['tracemark.markSelection', 'tracemark.markReviewed', 'tracemark.showProvenance']
      .includes(id as string), `${id} clashes with a server command`);
  }
});

test('manifest: the accept wrappers take the built-in keys under the built-in conditions', () => {
  const tab = contributes.keybindings.find(
    (k: { command: string }) => k.command === ACCEPT_WRAPPERS['editor.action.inlineSuggest.commit']);
  assert.equal(tab.key, 'tab');
  for (const clause of ['inlineSuggestionVisible', '!editorTabMovesFocus', '!suggestWidgetVisible',
    'inlineSuggestionHasIndentationLessThanTabSize', 'config.tracemark.capture.inlineCompletions']) {
    assert.ok(tab.when.includes(clause), `tab binding lacks ${clause}`);
  }
  const word = contributes.keybindings.find((k: { command: string }) =>
    k.command === ACCEPT_WRAPPERS['editor.action.inlineSuggest.acceptNextWord']);
  assert.equal(word.key, 'ctrl+right');
  assert.equal(word.mac, 'cmd+right');
});

test('manifest: the settings the extension reads are declared with matching defaults', () => {
  const props = contributes.configuration.properties;
  assert.deepEqual(props['tracemark.server.command'].default, DEFAULT_COMMAND);
  assert.equal(props['tracemark.capture.tool'].default, 'copilot');
  assert.equal(props['tracemark.capture.inlineCompletions'].default, true);
  assert.equal(manifest.main, './dist/extension.js');
});
