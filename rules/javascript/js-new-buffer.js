function pack(str, n) {
  // ruleid: js-new-buffer
  const a = new Buffer(str);
  // ruleid: js-new-buffer
  const b = new Buffer(n);
  // ok: js-new-buffer
  const c = Buffer.from(str, "utf8");
  // ok: js-new-buffer
  const d = Buffer.alloc(n);
  return [a, b, c, d];
}
