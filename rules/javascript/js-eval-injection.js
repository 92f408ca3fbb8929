const vm = require("vm");

function run(req, fn) {
  const expr = req.query.expr;
  // ruleid: js-eval-injection
  const result = eval(expr);
  // ruleid: js-eval-injection
  const f = new Function("a", "return " + fn);
  // ruleid: js-eval-injection
  vm.runInNewContext(`total = ${expr}`, {});
  // ok: js-eval-injection
  const data = JSON.parse(expr);
  // ok: js-eval-injection
  const g = new Function("a", "return a + 1");
  return [result, f, data, g];
}
