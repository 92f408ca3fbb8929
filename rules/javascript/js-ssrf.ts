import type { Request, Response } from "express";

export async function proxy(req: Request, res: Response): Promise<void> {
  // ruleid: js-ssrf
  const upstream = await fetch(req.query.target as string);
  // ok: js-ssrf
  const health = await fetch("http://localhost:8080/health");
  res.status(upstream.status + health.status).end();
}
