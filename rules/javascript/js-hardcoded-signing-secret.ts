import jwt from "jsonwebtoken";
import { Strategy as JwtStrategy, ExtractJwt } from "passport-jwt";

export function check(token: string): string | jwt.JwtPayload {
  // ruleid: js-hardcoded-signing-secret
  return jwt.verify(token, "s3cr3t");
}

export const strategy = new JwtStrategy(
  {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    // ruleid: js-hardcoded-signing-secret
    secretOrKey: "super-secret-key",
  },
  (payload: unknown, done: (e: unknown, u?: unknown) => void) => done(null, payload),
);
// ok: js-hardcoded-signing-secret
export const fromEnv = (t: string) => jwt.verify(t, process.env.JWT_SECRET as string);
