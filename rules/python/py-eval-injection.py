import ast


def calc(request, module):
    expr = request.args.get("expr")
    # ruleid: py-eval-injection
    result = eval(expr)
    # ruleid: py-eval-injection
    exec("import %s" % module)
    # ruleid: py-eval-injection
    exec(compile(expr, "<input>", "exec"), {})
    # ruleid: py-eval-injection
    value = eval(f"settings.{module}")
    # ok: py-eval-injection
    safe = ast.literal_eval(expr)
    # ok: py-eval-injection
    exec("x = 1")
    return result, value, safe
