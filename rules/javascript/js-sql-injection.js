const mysql = require("mysql2");
const db = mysql.createConnection({});

function findUser(req, res) {
  // ruleid: js-sql-injection
  db.query("SELECT * FROM users WHERE name = '" + req.query.name + "'", (err, rows) => res.json(rows));
  // ruleid: js-sql-injection
  db.execute(`DELETE FROM sessions WHERE id = ${req.params.id}`);
  // ruleid: js-sql-injection
  knex("users").whereRaw("email = '" + req.body.email + "'");
  // ok: js-sql-injection
  db.query("SELECT * FROM users WHERE name = ?", [req.query.name]);
  // ok: js-sql-injection
  db.query("SELECT * FROM users WHERE active = 1");
  // ok: js-sql-injection
  cache.get("user:" + req.query.name);
}
