import markupsafe
from django.utils.safestring import mark_safe
from markupsafe import Markup


def banner(user):
    # ruleid: py-markup-unsafe
    html = Markup(f"<b>Welcome {user.name}</b>")
    # ruleid: py-markup-unsafe
    note = mark_safe("<i>" + user.bio + "</i>")
    # ruleid: py-markup-unsafe
    other = markupsafe.Markup(user.signature)
    # ok: py-markup-unsafe
    fixed = Markup("<hr>")
    # ok: py-markup-unsafe
    escaped = markupsafe.escape(user.name)
    return html, note, other, fixed, escaped
