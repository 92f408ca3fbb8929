export function resetCode(): string {
  // ruleid: js-insecure-random
  const code: number = Math.floor(Math.random() * 1_000_000);
  // ok: js-insecure-random
  const id: string = crypto.randomUUID();
  return `${code}-${id}`;
}
