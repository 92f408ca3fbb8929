import elementpath
from lxml import etree


def find_user(root, name, dept):
    # ruleid: py-xpath-injection
    users = root.xpath(f"//user[@name='{name}']")
    # ruleid: py-xpath-injection
    query = "/company/dept[@id='" + dept + "']/employee"
    # ruleid: py-xpath-injection
    expr = "//employee[name=\"%s\"]" % name
    # ok: py-xpath-injection
    safe = root.xpath("//user[@name=$name]", name=name)
    # ok: py-xpath-injection
    label = f"{name} works in {dept}"
    # ok: py-xpath-injection
    pos = label.find(name + " ")
    return users, elementpath.select(root, query), expr, safe, pos, etree
