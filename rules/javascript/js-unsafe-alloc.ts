export function scratch(n: number): Buffer {
  // ruleid: js-unsafe-alloc
  const pool: Buffer = Buffer.allocUnsafeSlow(n);
  // ok: js-unsafe-alloc
  return Buffer.concat([pool.subarray(0, 0), Buffer.alloc(n)]);
}
