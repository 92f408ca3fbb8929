import { NestFactory } from "@nestjs/core";

export async function bootstrap(root: unknown): Promise<void> {
  const app = await NestFactory.create(root as never);
  // ruleid: js-cors-wildcard-credentials
  app.enableCors({ origin: true, credentials: true });
  // ok: js-cors-wildcard-credentials
  app.enableCors({ origin: process.env.ALLOWED_ORIGIN, credentials: true });
  await app.listen(3000);
}
