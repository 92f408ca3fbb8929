/**
 * The extension's settings (declared in package.json under `tracemark.*`) read through a
 * minimal interface, so the defaults and the validation are unit-tested without `vscode`.
 * The server reads its own keys (scope, heuristic, semgrep, codeLens, ...) from the same
 * `tracemark` section through `workspace/configuration`; keys it does not know it ignores.
 */

export interface ConfigReader {
  get<T>(key: string): T | undefined;
}

export interface ServerCommand {
  command: string;
  args: string[];
}

export const DEFAULT_COMMAND = ['tracemark', 'serve'];

/**
 * `tracemark.server.command`: an argument list (`["tracemark", "serve"]`, or proxy mode
 * `["tracemark", "serve", "--wrap", "copilot-language-server", "--stdio"]`) or one string
 * split on spaces. Anything else falls back to the default, with the reason.
 */
export function serverCommand(cfg: ConfigReader): { value: ServerCommand; problem?: string } {
  const raw = cfg.get<unknown>('server.command');
  let argv: string[] | undefined;
  let problem: string | undefined;
  if (Array.isArray(raw) && raw.length > 0 && raw.every((p) => typeof p === 'string' && p)) {
    argv = raw as string[];
  } else if (typeof raw === 'string' && raw.trim()) {
    argv = raw.trim().split(/\s+/);
  } else if (raw !== undefined && raw !== null) {
    problem = `tracemark.server.command must be a list of strings, got ${JSON.stringify(raw)}; `
      + `using ${JSON.stringify(DEFAULT_COMMAND)}`;
  }
  argv = argv ?? DEFAULT_COMMAND;
  return { value: { command: argv[0], args: argv.slice(1) }, problem };
}

export interface CaptureSettings {
  /** Wrap the inline-completion accept commands. */
  inlineCompletions: boolean;
  tool: string;
  model?: string;
}

export function captureSettings(cfg: ConfigReader): CaptureSettings {
  const tool = cfg.get<string>('capture.tool');
  const model = cfg.get<string>('capture.model');
  return {
    inlineCompletions: cfg.get<boolean>('capture.inlineCompletions') !== false,
    tool: typeof tool === 'string' && tool.trim() ? tool.trim() : 'copilot',
    model: typeof model === 'string' && model.trim() ? model.trim() : undefined,
  };
}
