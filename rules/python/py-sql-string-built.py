def queries(bar, table, uid):
    # ruleid: py-sql-string-built
    sql = f"SELECT username FROM users WHERE password = '{bar}'"
    # ruleid: py-sql-string-built
    q = "DELETE FROM sessions WHERE user = '%s'" % uid
    # ruleid: py-sql-string-built
    q2 = "UPDATE accounts SET score = 0 WHERE name = '" + bar + "'"
    # ruleid: py-sql-string-built
    q3 = "INSERT INTO {} VALUES (1)".format(table)
    # ok: py-sql-string-built
    safe = "SELECT username FROM users WHERE password = ?"
    # ok: py-sql-string-built
    greeting = f"Select your seat, {bar}"
    return sql, q, q2, q3, safe, greeting


def constant_fstring():
    # ok: py-sql-string-built
    sql = f"SELECT username FROM users WHERE password = ?"
    return sql
