import { unserialize } from "node-serialize";

export function fromCookie(raw: string): unknown {
  // ruleid: js-unsafe-deserialization
  return unserialize(Buffer.from(raw, "base64").toString());
}

export function fromJson(raw: string): unknown {
  // ok: js-unsafe-deserialization
  return JSON.parse(raw) as unknown;
}
