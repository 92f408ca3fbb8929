interface Settings { apiKey: string; webhookSecret?: string }

export const settings: Settings = {
  // ruleid: js-hardcoded-secret
  apiKey: "9f8Kq2LxV7mPz4Rt1Wn6Yb3Hc0Jd5Gs8",
  // ok: js-hardcoded-secret
  webhookSecret: process.env.WEBHOOK_SECRET,
};
// ruleid: js-hardcoded-secret
process.env["SERVICE_TOKEN"] = "t0K3n-Vq8Xz2Lm9Pr4Wn7";
