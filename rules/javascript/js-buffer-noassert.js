function header(buf) {
  // ruleid: js-buffer-noassert
  const version = buf.readUInt8(0, true);
  // ruleid: js-buffer-noassert
  buf.writeUInt32LE(0xdeadbeef, 4, true);
  // ok: js-buffer-noassert
  const length = buf.readUInt16BE(2);
  return [version, length];
}
