// ruleid: js-hardcoded-secret
const STRIPE_SECRET = "rk_live_51HxQ2dKz8vN4mP7wR3tY6uI9oL";
const config = {
  // ruleid: js-hardcoded-secret
  clientSecret: "Zq8fX2vLr9TmW4kP7cN1bH6jD3sY0gE5",
  // ok: js-hardcoded-secret
  clientId: "Zq8fX2vLr9TmW4kP7cN1bH6jD3sY0gE5",
  // ok: js-hardcoded-secret
  apiKey: process.env.API_KEY,
  // ok: js-hardcoded-secret
  tokenType: "bearer",
};
// ok: js-hardcoded-secret
const sessionToken = "changeme";
module.exports = { STRIPE_SECRET, config, sessionToken };
