import flask
from flask import redirect, request, url_for


def login_done():
    # ruleid: py-open-redirect
    return redirect(request.args.get("next"))


def back():
    # ruleid: py-open-redirect
    return flask.redirect(request.form["return_to"] + "?ok=1")


def home():
    # ok: py-open-redirect
    return redirect(url_for("index"))


def fixed():
    # ok: py-open-redirect
    return redirect("/dashboard")
