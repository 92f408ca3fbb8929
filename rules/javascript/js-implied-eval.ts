export function later(code: string, delay: number): void {
  // ruleid: js-implied-eval
  setTimeout("run('" + code + "')", delay);
  // ok: js-implied-eval
  setTimeout((): void => console.info(code), delay);
}
