export async function driver(kind: string): Promise<unknown> {
  // ruleid: js-non-literal-require
  const mod = await import(`./drivers/${kind}`);
  // ok: js-non-literal-require
  const fallback = await import("./drivers/memory");
  return mod ?? fallback;
}
