const { WebClient } = require("@slack/web-api");

// ruleid: js-slack-token
const slack = new WebClient("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx");
// ruleid: js-slack-token
const hook = "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnop12345678";
// ok: js-slack-token
const fromEnv = new WebClient(process.env.SLACK_BOT_TOKEN);
