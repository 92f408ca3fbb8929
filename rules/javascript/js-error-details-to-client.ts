import type { Context } from "koa";

export async function handle(ctx: Context, next: () => Promise<void>): Promise<void> {
  try {
    await next();
  } catch (e) {
    // ruleid: js-error-details-to-client
    ctx.body = String(e);
    // ok: js-error-details-to-client
    ctx.status = 500;
  }
}
