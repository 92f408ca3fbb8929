import * as sandbox from "node:vm";

export function compute(input: string): number {
  // ruleid: js-eval-injection
  const value: number = eval(input);
  // ruleid: js-eval-injection
  const other = eval(input as string);
  // ruleid: js-eval-injection
  sandbox.runInThisContext(input!);
  // ok: js-eval-injection
  const parsed: number = Number.parseFloat(input);
  // ok: js-eval-injection
  sandbox.runInThisContext("globalThis.ready = true");
  return value + parsed + other;
}
