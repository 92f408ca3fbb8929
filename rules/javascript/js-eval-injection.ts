export function compute(input: string): number {
  // ruleid: js-eval-injection
  const value: number = eval(input);
  // ok: js-eval-injection
  const parsed: number = Number.parseFloat(input);
  return value + parsed;
}
