export function readLen(buf: Buffer, offset: number): number {
  // ruleid: js-buffer-noassert
  const a = buf.readInt32BE(offset, true);
  // ok: js-buffer-noassert
  const b = buf.readInt32BE(offset);
  return a + b;
}
