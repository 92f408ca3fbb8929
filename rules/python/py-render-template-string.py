import flask
from flask import render_template_string, request


def hello():
    name = request.args.get("name", "")
    # ruleid: py-render-template-string
    return render_template_string(f"<h1>Hello {name}</h1>")


def page(body):
    # ruleid: py-render-template-string
    return flask.render_template_string("<div>" + body + "</div>")


def safe():
    name = request.args.get("name", "")
    # ok: py-render-template-string
    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)
