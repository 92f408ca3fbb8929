export const headers: Record<string, string> = {
  // ruleid: js-github-token
  Authorization: "Bearer github_pat_11ABCDEFG0123456789abc_deadbeefcafebabe0123456789abcdef",
  // ok: js-github-token
  Accept: "application/vnd.github+json",
};
