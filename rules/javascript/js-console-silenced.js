const _ = require("lodash");

if (process.env.NODE_ENV === "production") {
  // ruleid: js-console-silenced
  console.error = () => {};
  // ruleid: js-console-silenced
  console.warn = function () {};
  // ruleid: js-console-silenced
  console.trace = _.noop;
  // ok: js-console-silenced
  console.debug = () => {};
  // ok: js-console-silenced
  console.error = (...args) => logger.error(...args);
}
