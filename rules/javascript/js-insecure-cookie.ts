import { serialize } from "cookie";

export function header(token: string): string {
  // ruleid: js-insecure-cookie
  const a = serialize("token", token, { path: "/", secure: false });
  // ok: js-insecure-cookie
  const b = serialize("token", token, { path: "/", secure: true, httpOnly: true });
  return `${a}; ${b}`;
}
