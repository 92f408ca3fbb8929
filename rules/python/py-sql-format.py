import sqlite3


def find_user(conn: sqlite3.Connection, name, table):
    cur = conn.cursor()
    # ruleid: py-sql-format
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    # ruleid: py-sql-format
    cur.execute("SELECT * FROM users WHERE name = '%s'" % name)
    # ruleid: py-sql-format
    cur.execute("DELETE FROM " + table + " WHERE id = 1")
    # ruleid: py-sql-format
    cur.executemany("INSERT INTO {} VALUES (?)".format(table), [(1,), (2,)])
    # ok: py-sql-format
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    # ok: py-sql-format
    cur.execute("SELECT count(*) FROM users")
    return cur.fetchall()
