const { Octokit } = require("@octokit/rest");

// ruleid: js-github-token
const octokit = new Octokit({ auth: "ghp_16C7e42F292c6912E7710c838347Ae178B4a" });
// ok: js-github-token
const fromEnv = new Octokit({ auth: process.env.GITHUB_TOKEN });
// ok: js-github-token
const prefix = "ghp_";
