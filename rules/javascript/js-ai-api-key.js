const OpenAI = require("openai");

// ruleid: js-ai-api-key
const openai = new OpenAI({ apiKey: "sk-proj-4fJ8kQ2mZx9vL1pR7tY3wN6bC0dH5gA2sE8uI4oK" });
// ruleid: js-ai-api-key
const gemini = "AIzaSyD3x7Q9kLm2Pn4Rs6Tu8Vw0Xy1Za3Bc5De";
// ok: js-ai-api-key
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
// ok: js-ai-api-key
const model = "sk-learn-regressor";
