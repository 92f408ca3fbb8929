function frame(size) {
  // ruleid: js-unsafe-alloc
  const out = Buffer.allocUnsafe(size);
  // ok: js-unsafe-alloc
  const zeroed = Buffer.alloc(size);
  return [out, zeroed];
}
