/** Command ids and the accept commands they wrap (kept apart from `vscode` for the tests). */

/** Built-in accept command -> tracemark's wrapper, bound to the same keys in package.json. */
export const ACCEPT_WRAPPERS: Record<string, string> = {
  'editor.action.inlineSuggest.commit': 'tracemark.inlineSuggest.commit',
  'editor.action.inlineSuggest.acceptNextWord': 'tracemark.inlineSuggest.acceptNextWord',
  'editor.action.inlineSuggest.acceptNextLine': 'tracemark.inlineSuggest.acceptNextLine',
};

/**
 * Client-side commands. The server's own commands (tracemark.markSelection,
 * tracemark.markReviewed, tracemark.showProvenance) are registered by vscode-languageclient
 * from its executeCommandProvider, so these use other ids.
 */
export const COMMANDS = {
  markAI: 'tracemark.editor.markAI',
  markHuman: 'tracemark.editor.markHuman',
  markReviewed: 'tracemark.editor.markReviewed',
  showProvenance: 'tracemark.editor.showProvenance',
  restart: 'tracemark.editor.restartServer',
};

export const MARK_RANGE = 'tracemark/markRange';
export const SPANS = 'tracemark/spans';
