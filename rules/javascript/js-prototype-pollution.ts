export function setPath(dst: any, src: Record<string, Record<string, unknown>>): void {
  // ruleid: js-prototype-pollution
  for (const k in src) dst[k][src[k].name] = src[k].value;
}

export function copyShallow(dst: Record<string, unknown>, src: Record<string, unknown>): void {
  // ok: js-prototype-pollution
  for (const k in src) dst[k] = String(src[k]);
}

export function assignOwn(dst: Record<string, unknown>, src: Record<string, unknown>): void {
  // ok: js-prototype-pollution
  for (const k in src) {
    if (Object.hasOwn(src, k)) dst[k] = src[k];
  }
}
