from flask import render_template_string

# ruleid: py-template-safe-filter
PROFILE = "<div class='bio'>{{ user.bio | safe }}</div>"
# ruleid: py-template-safe-filter
RAW = "{% autoescape false %}{{ body }}{% endautoescape %}"
# ok: py-template-safe-filter
SAFE = "<div class='bio'>{{ user.bio }}</div>"


def show(user):
    # ok: py-template-safe-filter
    return render_template_string(SAFE, user=user)
