function report(req, db) {
  // ruleid: js-sql-string-built
  const sql = "SELECT name, total FROM orders WHERE region = '" + req.query.region + "'";
  let update;
  // ruleid: js-sql-string-built
  update = `UPDATE orders SET status = '${req.body.status}' WHERE id = ${req.params.id}`;
  // ok: js-sql-string-built
  const fixed = "SELECT name, total FROM orders WHERE region = ?";
  // ok: js-sql-string-built
  const label = "Selected " + req.query.count + " items from the list";
  return db.query(sql + update, [fixed, label]);
}
