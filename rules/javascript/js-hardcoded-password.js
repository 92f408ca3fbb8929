const { Pool } = require("pg");

const pool = new Pool({
  user: "app",
  // ruleid: js-hardcoded-password
  password: "S3cure!Passw0rd",
  host: "db",
});
// ruleid: js-hardcoded-password
const ADMIN_PASSWORD = "hunter2";
// ok: js-hardcoded-password
const dbPassword = process.env.DB_PASSWORD;
// ok: js-hardcoded-password
const maskedPassword = "********";
// ok: js-hardcoded-password
const emptyPassword = "";
module.exports = { pool, ADMIN_PASSWORD, dbPassword, maskedPassword, emptyPassword };
