import psycopg2


class Config:
    def __init__(self):
        # ruleid: py-hardcoded-password
        self.db_password = "megadeth"


def connect(form):
    # ruleid: py-hardcoded-password
    form["password"] = "myprecious"
    # ruleid: py-hardcoded-password
    conn = psycopg2.connect(host="db", user="app", password="s3cr3t-Pa55")
    # ok: py-hardcoded-password
    password_reset_template = "auth/password_reset.html"
    # ok: py-hardcoded-password
    password = ""
    # ok: py-hardcoded-password
    other = psycopg2.connect(host="db", user="app", password=form["pw"])
    return conn, other, password, password_reset_template
