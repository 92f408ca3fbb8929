import elementpath
from lxml import etree


def find_user(root, name, dept):
    # ruleid: py-xpath-injection
    users = root.xpath(f"//user[@name='{name}']")
    # ruleid: py-xpath-injection
    staff = root.findall("./dept[@id='" + dept + "']/employee")
    # ruleid: py-xpath-injection
    match = elementpath.select(root, "//employee[name=\"%s\"]" % name)
    # ok: py-xpath-injection
    safe = root.xpath("//user[@name=$name]", name=name)
    # ok: py-xpath-injection
    label = f"{name} works in {dept}"
    # ok: py-xpath-injection
    pos = label.find(name + " ")
    return users, staff, match, safe, pos, etree


def find_escaped(root, name):
    # ok: py-xpath-injection
    return root.xpath("//user[@name='%s']" % name.replace("'", "&apos;"))
