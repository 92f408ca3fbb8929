/**
 * tracemark for VS Code: starts `tracemark serve` (vscode-languageclient), records accepted
 * inline completions, paints AI lines in the gutter and overview ruler, and shows the file's
 * AI share in the status bar.
 *
 * VS Code has no event for an accepted inline completion, so the accept commands are wrapped:
 * tracemark's own commands are bound to the same keys (package.json), snapshot the document,
 * run the built-in command, diff (acceptDiff.ts) and send `tracemark/markRange`.
 */

import * as path from 'path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';

import { acceptMarkParams, MarkRangeParams } from './acceptDiff';
import { ACCEPT_WRAPPERS, COMMANDS, MARK_RANGE, SPANS } from './ids';
import { captureSettings, ConfigReader, serverCommand } from './settings';
import { aiPercent, decorationRanges, LineRange, Span, SpansParams, statusText, toolSummary }
  from './spans';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
const spansByUri = new Map<string, Span[]>();
let aiDecoration: vscode.TextEditorDecorationType;
let modifiedDecoration: vscode.TextEditorDecorationType;
let statusItem: vscode.StatusBarItem;

function config(): ConfigReader {
  return vscode.workspace.getConfiguration('tracemark');
}

// -- the language client -----------------------------------------------------------------------

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const { value: cmd, problem } = serverCommand(config());
  if (problem) {
    vscode.window.showWarningMessage(`tracemark: ${problem}`);
  }
  const serverOptions: ServerOptions = {
    command: cmd.command,
    args: cmd.args,
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    outputChannel: output,
  };
  client = new LanguageClient('tracemark', 'tracemark', serverOptions, clientOptions);
  client.onNotification(SPANS, (params: SpansParams) => onSpans(params));
  try {
    await client.start();
  } catch (err) {
    vscode.window.showErrorMessage(
      `tracemark: could not start ${[cmd.command, ...cmd.args].join(' ')}: ${err}. `
      + 'Install tracemark (pip install tracemark) or set tracemark.server.command.');
    client = undefined;
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

function running(): LanguageClient | undefined {
  return client && client.state === State.Running ? client : undefined;
}

async function markRange(params: MarkRangeParams): Promise<void> {
  const c = running();
  if (!c) {
    return;
  }
  try {
    // A request (not a notification): the client delivers pending didChange first.
    await c.sendRequest(MARK_RANGE, params);
  } catch (err) {
    output.appendLine(`tracemark/markRange failed: ${err}`);
  }
}

// -- capture: the wrapped accept commands ------------------------------------------------------

async function acceptAndMark(builtin: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const settings = captureSettings(config());
  if (!editor || !settings.inlineCompletions) {
    await vscode.commands.executeCommand(builtin);
    return;
  }
  const doc = editor.document;
  const before = doc.getText();
  const version = doc.version;
  await vscode.commands.executeCommand(builtin);
  if (doc.version === version || doc.isClosed) {
    return; // nothing was accepted
  }
  const params = acceptMarkParams(doc.uri.toString(), doc.version, before, doc.getText(),
    settings.tool, settings.model);
  if (params) {
    await markRange(params);
  }
}

// -- commands on the selection -----------------------------------------------------------------

async function markSelection(kind: 'ai' | 'human' | 'reviewed'): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  if (!running()) {
    vscode.window.showWarningMessage('tracemark: the language server is not running');
    return;
  }
  const settings = captureSettings(config());
  const doc = editor.document;
  for (const sel of editor.selections) {
    // An empty selection means the current line.
    const range = sel.isEmpty ? doc.lineAt(sel.active.line).rangeIncludingLineBreak : sel;
    const origin: MarkRangeParams['origin'] = { kind, confidence: 'declared' };
    if (kind === 'ai') {
      origin.tool = settings.tool;
      if (settings.model) {
        origin.model = settings.model;
      }
    }
    await markRange({
      textDocument: { uri: doc.uri.toString(), version: doc.version },
      range: {
        start: { line: range.start.line, character: range.start.character },
        end: { line: range.end.line, character: range.end.character },
      },
      origin,
    });
  }
}

async function showProvenance(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const c = running();
  if (!editor || !c) {
    return;
  }
  const sel = editor.selection;
  const arg: Record<string, unknown> = { textDocument: { uri: editor.document.uri.toString() } };
  if (sel.isEmpty) {
    arg.position = { line: sel.active.line, character: 0 };
  } else {
    arg.range = { start: { line: sel.start.line, character: 0 },
      end: { line: sel.end.line, character: sel.end.character } };
  }
  try {
    const text: string = await c.sendRequest('workspace/executeCommand',
      { command: 'tracemark.showProvenance', arguments: [arg] });
    vscode.window.showInformationMessage(text, { modal: text.includes('\n') });
  } catch (err) {
    vscode.window.showErrorMessage(`tracemark: ${err}`);
  }
}

// -- painting ----------------------------------------------------------------------------------

function toRanges(lines: LineRange[]): vscode.Range[] {
  return lines.map((r) => new vscode.Range(r.startLine, 0, r.endLine, 0));
}

function paint(editor: vscode.TextEditor): void {
  const spans = spansByUri.get(editor.document.uri.toString()) ?? [];
  const deco = decorationRanges(spans, editor.document.lineCount);
  editor.setDecorations(aiDecoration, toRanges(deco.ai));
  editor.setDecorations(modifiedDecoration, toRanges(deco.modified));
}

function updateStatus(): void {
  const editor = vscode.window.activeTextEditor;
  const spans = editor ? spansByUri.get(editor.document.uri.toString()) : undefined;
  if (!editor || spans === undefined) {
    statusItem.hide();
    return;
  }
  const doc = editor.document;
  const lastEmpty = doc.lineCount > 0 && doc.lineAt(doc.lineCount - 1).text === '';
  statusItem.text = `$(sparkle) ${statusText(aiPercent(spans, doc.lineCount, lastEmpty))}`;
  const tools = toolSummary(spans, doc.lineCount);
  statusItem.tooltip = tools ? `AI-written lines: ${tools}` : 'No AI-written lines';
  statusItem.show();
}

function onSpans(params: SpansParams): void {
  spansByUri.set(params.uri, params.spans ?? []);
  for (const editor of vscode.window.visibleTextEditors) {
    if (editor.document.uri.toString() === params.uri) {
      paint(editor);
    }
  }
  updateStatus();
}

// -- activation --------------------------------------------------------------------------------

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('tracemark');
  const media = (name: string) => vscode.Uri.file(path.join(context.extensionPath, 'media', name));
  aiDecoration = vscode.window.createTextEditorDecorationType({
    gutterIconPath: media('ai.svg'),
    gutterIconSize: 'contain',
    overviewRulerColor: new vscode.ThemeColor('tracemark.aiForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
    isWholeLine: true,
  });
  modifiedDecoration = vscode.window.createTextEditorDecorationType({
    gutterIconPath: media('ai-modified.svg'),
    gutterIconSize: 'contain',
    overviewRulerColor: new vscode.ThemeColor('tracemark.aiModifiedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
    isWholeLine: true,
  });
  statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  statusItem.command = COMMANDS.showProvenance;
  context.subscriptions.push(aiDecoration, modifiedDecoration, statusItem, output);

  for (const [builtin, wrapper] of Object.entries(ACCEPT_WRAPPERS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(wrapper, () => acceptAndMark(builtin)));
  }
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.markAI, () => markSelection('ai')),
    vscode.commands.registerCommand(COMMANDS.markHuman, () => markSelection('human')),
    vscode.commands.registerCommand(COMMANDS.markReviewed, () => markSelection('reviewed')),
    vscode.commands.registerCommand(COMMANDS.showProvenance, showProvenance),
    vscode.commands.registerCommand(COMMANDS.restart, async () => {
      await client?.stop();
      await startClient(context);
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor) {
        paint(editor);
      }
      updateStatus();
    }),
    vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach(paint)),
    vscode.workspace.onDidCloseTextDocument((doc) => spansByUri.delete(doc.uri.toString())),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tracemark.server.command')) {
        void vscode.commands.executeCommand(COMMANDS.restart);
      }
    }),
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
