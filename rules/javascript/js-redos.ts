export function isCsv(line: string): boolean {
  // ruleid: js-redos
  return /^(("[^"]*")*,?)*$/.test(line);
}

export function isHex(s: string): boolean {
  // ok: js-redos
  return /^[0-9a-f]+$/i.test(s);
}
