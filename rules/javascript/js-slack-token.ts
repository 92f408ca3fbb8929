export async function notify(text: string): Promise<void> {
  // ruleid: js-slack-token
  await fetch(`https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/zyxwvutsrqponmlk98765432`, {
    method: "POST",
    body: JSON.stringify({ text }),
  });
  // ok: js-slack-token
  await fetch(process.env.SLACK_WEBHOOK_URL as string, { method: "POST", body: text });
}
