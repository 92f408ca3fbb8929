function schedule(id, handlerName) {
  // ruleid: js-implied-eval
  setTimeout("refresh(" + id + ")", 100);
  // ruleid: js-implied-eval
  window.setInterval(`${handlerName}()`, 1000);
  // ok: js-implied-eval
  setTimeout(() => refresh(id), 100);
  // ok: js-implied-eval
  setInterval(tick, 1000);
}
