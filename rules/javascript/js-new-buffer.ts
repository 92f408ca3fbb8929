export function encode(text: string, size: number): Buffer[] {
  // ruleid: js-new-buffer
  const a: Buffer = new Buffer(text as string, "utf8");
  // ok: js-new-buffer
  const b: Buffer = Buffer.from(text, "utf8");
  // ok: js-new-buffer
  const c: Buffer = Buffer.alloc(size);
  return [a, b, c];
}
