import jwt from "jsonwebtoken";

export function userId(token: string): string {
  // ruleid: js-jwt-no-verify
  const payload = jwt.decode(token) as { sub: string };
  // ok: js-jwt-no-verify
  const verified = jwt.verify(token, process.env.JWT_PUBLIC_KEY as string, { algorithms: ["ES256"] });
  return payload.sub + String(verified);
}
