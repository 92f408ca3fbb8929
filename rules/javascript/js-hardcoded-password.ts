import { createConnection } from "mysql2/promise";

export async function connect() {
  return createConnection({
    host: "localhost",
    // ruleid: js-hardcoded-password
    password: "r00tpw-2024",
    // ok: js-hardcoded-password
    user: "root",
  });
}
// ok: js-hardcoded-password
export const passwordHint: string = "at least 12 characters";
