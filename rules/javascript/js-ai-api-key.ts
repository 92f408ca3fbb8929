import Anthropic from "@anthropic-ai/sdk";

// ruleid: js-ai-api-key
export const anthropic = new Anthropic({ apiKey: "sk-ant-api03-Xq7vB2nM9kL4pR8tY1wZ6cF3hJ0dS5gA-e2uI7oK4mN1bV" });
// ok: js-ai-api-key
export const fromEnv = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });
