import type { Request, Response } from "express";
import * as fs from "fs";

export function remove(req: Request, res: Response): void {
  // ruleid: js-path-traversal-request
  fs.unlinkSync("/srv/files/" + (req.body.name as string));
  // ok: js-path-traversal-request
  fs.unlinkSync("/srv/files/latest.tmp");
  res.end();
}
