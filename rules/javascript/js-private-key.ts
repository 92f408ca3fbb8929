// ruleid: js-private-key
export const sshKey: string = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ
-----END OPENSSH PRIVATE KEY-----`;
// ok: js-private-key
export const keyPath: string = process.env.SSH_KEY_PATH ?? "~/.ssh/id_ed25519";
