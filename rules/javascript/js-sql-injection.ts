import { PrismaClient } from "@prisma/client";
import type { Pool } from "pg";

const prisma = new PrismaClient();

export async function orders(pool: Pool, customer: string, sort: string) {
  // ruleid: js-sql-injection
  const a = await pool.query(`SELECT * FROM orders WHERE customer = '${customer}' ORDER BY ${sort}`);
  // ruleid: js-sql-injection
  const b = await prisma.$queryRawUnsafe(`SELECT * FROM orders WHERE customer = '${customer}'`);
  // ok: js-sql-injection
  const c = await pool.query("SELECT * FROM orders WHERE customer = $1", [customer]);
  // ok: js-sql-injection
  const d = await prisma.$queryRaw`SELECT * FROM orders WHERE customer = ${customer}`;
  return [a, b, c, d];
}
