import type { Request, Response } from "express";

export function search(req: Request, res: Response): void {
  // ruleid: js-reflected-xss
  res.write(`<p>No results for ${req.query.q as string}</p>`);
  // ok: js-reflected-xss
  res.end(JSON.stringify({ q: req.query.q }));
}
