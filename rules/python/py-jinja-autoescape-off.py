import jinja2
from jinja2 import Environment, FileSystemLoader, select_autoescape


def envs():
    # ruleid: py-jinja-autoescape-off
    a = jinja2.Environment(loader=FileSystemLoader("templates"))
    # ruleid: py-jinja-autoescape-off
    b = Environment(autoescape=False)
    # ok: py-jinja-autoescape-off
    c = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())
    # ok: py-jinja-autoescape-off
    d = jinja2.Environment(autoescape=True)
    return a, b, c, d
