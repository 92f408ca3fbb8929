const vm = require("vm");

function run(req, fn) {
  const expr = req.query.expr;
  // ruleid: js-eval-injection
  const result = eval(expr);
  // ruleid: js-eval-injection
  const f = new Function("a", "return " + fn);
  // ruleid: js-eval-injection
  vm.runInNewContext(`total = ${expr}`, {});
  // ruleid: js-eval-injection
  const script = new vm.Script(req.body.code);
  // ruleid: js-eval-injection
  const h = Function(fn);
  // ok: js-eval-injection
  const data = JSON.parse(expr);
  // ok: js-eval-injection
  const g = new Function("a", "return a + 1");
  // ok: js-eval-injection
  const k = eval("1 + 2");
  return [result, f, data, g, script, h, k];
}

const box = require("node:vm");

function sandboxed(code) {
  // ruleid: js-eval-injection
  return box.runInNewContext(code, {});
}
