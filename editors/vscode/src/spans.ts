/**
 * What `tracemark/spans` says, turned into what the editor paints: whole-line ranges for the
 * gutter and overview ruler (one kind per line, `ai-modified` winning), the "AI 23%" share for
 * the status bar, and a per-tool breakdown for its tooltip. Pure (no `vscode`).
 */

export interface LspPosition {
  line: number;
  character: number;
}

export interface Span {
  range: { start: LspPosition; end: LspPosition };
  kind: 'ai' | 'ai-modified' | string;
  tool?: string | null;
  model?: string | null;
  confidence?: string | null;
}

export interface SpansParams {
  uri: string;
  version: number | null;
  spans: Span[];
}

/** Inclusive 0-based line range. */
export interface LineRange {
  startLine: number;
  endLine: number;
}

export interface Decorations {
  ai: LineRange[];
  modified: LineRange[];
}

/** First and last line a span covers; an end at character 0 does not take in that line. */
export function spanLines(span: Span): [number, number] {
  const first = span.range.start.line;
  let last = span.range.end.line;
  if (span.range.end.character === 0 && last > first) {
    last--;
  }
  return [first, last];
}

/** Kind per line (lines past `lineCount` are dropped: the text moved on since). */
export function lineKinds(spans: Span[], lineCount: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const span of spans) {
    const [first, last] = spanLines(span);
    for (let line = Math.max(0, first); line <= Math.min(last, lineCount - 1); line++) {
      if (out.get(line) !== 'ai-modified') {
        out.set(line, span.kind);
      }
    }
  }
  return out;
}

function runs(lines: number[]): LineRange[] {
  const out: LineRange[] = [];
  for (const line of lines.sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && last.endLine + 1 === line) {
      last.endLine = line;
    } else {
      out.push({ startLine: line, endLine: line });
    }
  }
  return out;
}

/** The span-to-decoration mapping: contiguous line ranges per decoration kind. */
export function decorationRanges(spans: Span[], lineCount: number): Decorations {
  const ai: number[] = [];
  const modified: number[] = [];
  for (const [line, kind] of lineKinds(spans, lineCount)) {
    (kind === 'ai-modified' ? modified : ai).push(line);
  }
  return { ai: runs(ai), modified: runs(modified) };
}

/**
 * Share of lines an AI wrote, 0-100, rounded. `lineCount` counts the lines as VS Code does
 * (a final empty line after the last line break counts only when it is the only line).
 */
export function aiPercent(spans: Span[], lineCount: number, lastLineEmpty = false): number {
  const total = lastLineEmpty && lineCount > 1 ? lineCount - 1 : lineCount;
  if (total <= 0) {
    return 0;
  }
  const ai = lineKinds(spans, total).size;
  return Math.round((100 * ai) / total);
}

export function statusText(percent: number | undefined): string {
  return percent === undefined ? '' : `AI ${percent}%`;
}

/** "copilot:gpt-4.1 12 lines, chat 3 lines" — for the status bar tooltip. */
export function toolSummary(spans: Span[], lineCount: number): string {
  const perTool = new Map<string, Set<number>>();
  for (const span of spans) {
    const name = span.model ? `${span.tool ?? 'unknown'}:${span.model}` : span.tool ?? 'unknown';
    const set = perTool.get(name) ?? new Set<number>();
    const [first, last] = spanLines(span);
    for (let line = first; line <= Math.min(last, lineCount - 1); line++) {
      set.add(line);
    }
    perTool.set(name, set);
  }
  return [...perTool.entries()]
    .filter(([, lines]) => lines.size > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, lines]) => `${name} ${lines.size} line${lines.size === 1 ? '' : 's'}`)
    .join(', ');
}
