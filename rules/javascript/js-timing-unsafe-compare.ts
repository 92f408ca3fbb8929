export function checkCsrf(sessionToken: string, formToken?: string): boolean {
  // ruleid: js-timing-unsafe-compare
  const same = formToken == sessionToken;
  // ok: js-timing-unsafe-compare
  const missing = formToken === null;
  return same && !missing;
}
