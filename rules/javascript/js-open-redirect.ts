import type { Request, Response } from "express";

export function go(req: Request, res: Response): void {
  // ruleid: js-open-redirect
  res.redirect(req.query.url as string);
  // ok: js-open-redirect
  res.redirect(`/items/${encodeURIComponent(String(req.params.id))}`);
}
