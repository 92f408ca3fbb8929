import ldap
from ldap3.utils.conv import escape_filter_chars


def lookup(conn, legacy, uid, mail):
    # ruleid: py-ldap-injection
    conn.search("ou=users,dc=example,dc=com", f"(&(objectClass=person)(uid={uid}))")
    # ruleid: py-ldap-injection
    search_filter = "(mail=" + mail + ")"
    # ruleid: py-ldap-injection
    legacy.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(cn=%s)" % uid)
    # ok: py-ldap-injection
    conn.search("ou=users,dc=example,dc=com", f"(uid={escape_filter_chars(uid)})")
    # ok: py-ldap-injection
    conn.search("ou=users,dc=example,dc=com", "(objectClass=person)")
    return search_filter
