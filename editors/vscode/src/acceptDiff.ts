/**
 * The accept diff: which part of a document an accepted inline completion wrote.
 *
 * VS Code has no "completion accepted" event, so the extension wraps the accept commands:
 * it snapshots the text, runs the built-in command, and compares. What is new is the region
 * between the common prefix and the common suffix of the two texts. Pure (no `vscode`), so it
 * is unit-tested with node:test.
 */

export interface Region {
  /** UTF-16 offset in the new text where the inserted text starts. */
  start: number;
  /** UTF-16 offset in the new text where it ends (exclusive). */
  end: number;
}

export interface Position {
  line: number;
  character: number;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Length of the common prefix, never ending between the two halves of a surrogate pair. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) {
    i++;
  }
  if (i > 0 && i < b.length && isLowSurrogate(b.charCodeAt(i))) {
    i--;
  }
  return i;
}

/** Length of the common suffix (at most `limit`), never starting inside a surrogate pair. */
export function commonSuffix(a: string, b: string, limit: number): number {
  const n = Math.min(a.length, b.length, limit);
  let i = 0;
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) {
    i++;
  }
  if (i > 0 && i < b.length && isLowSurrogate(b.charCodeAt(b.length - i))) {
    i--;
  }
  return i;
}

/**
 * The region of `after` that is not in `before`: where an edit put new text. `undefined`
 * when nothing was added (no change, or only a deletion).
 */
export function insertedRegion(before: string, after: string): Region | undefined {
  if (before === after) {
    return undefined;
  }
  const prefix = commonPrefix(before, after);
  const suffix = commonSuffix(before, after, Math.min(before.length, after.length) - prefix);
  const start = prefix;
  const end = after.length - suffix;
  return end > start ? { start, end } : undefined;
}

/** The LSP position (UTF-16 characters, as VS Code counts) of an offset in `text`. */
export function positionAt(text: string, offset: number): Position {
  offset = Math.max(0, Math.min(offset, text.length));
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      line++;
      lineStart = i + 1;
    } else if (c === 13 /* \r */) {
      if (i + 1 < text.length && text.charCodeAt(i + 1) === 10) {
        if (i + 1 === offset) {
          break; // between \r and \n: still the end of this line
        }
        i++;
      }
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

export interface MarkRangeParams {
  textDocument: { uri: string; version: number };
  range: { start: Position; end: Position };
  origin: { kind: 'ai' | 'human' | 'reviewed'; tool?: string; model?: string;
    confidence?: 'exact' | 'declared' };
}

/**
 * The `tracemark/markRange` parameters for an accepted completion, or `undefined` when the
 * accept inserted nothing.
 */
export function acceptMarkParams(
  uri: string, version: number, before: string, after: string,
  tool: string, model?: string,
): MarkRangeParams | undefined {
  const region = insertedRegion(before, after);
  if (!region) {
    return undefined;
  }
  const origin: MarkRangeParams['origin'] = { kind: 'ai', tool };
  if (model) {
    origin.model = model;
  }
  return {
    textDocument: { uri, version },
    range: { start: positionAt(after, region.start), end: positionAt(after, region.end) },
    origin,
  };
}
