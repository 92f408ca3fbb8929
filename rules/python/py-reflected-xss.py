from flask import Flask, make_response, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/hello")
def hello():
    # ruleid: py-reflected-xss
    return f"<h1>Hello {request.args.get('name')}</h1>"


@app.route("/echo")
def echo():
    # ruleid: py-reflected-xss
    resp = make_response("You said: " + request.form["text"])
    return resp


@app.route("/echo-safe")
def echo_safe():
    # ok: py-reflected-xss
    return make_response(f"You said: {escape(request.form['text'])}")


@app.route("/search")
def search():
    # ok: py-reflected-xss
    return f"<h1>Hello {escape(request.args.get('name'))}</h1>"
