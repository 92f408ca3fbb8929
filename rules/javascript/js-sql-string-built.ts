export function deleteQuery(table: string, id: number): string {
  // ruleid: js-sql-string-built
  const q: string = `DELETE FROM ${table} WHERE id = ${id}`;
  // ok: js-sql-string-built
  const p: string = "DELETE FROM items WHERE id = $1";
  return q + p;
}
