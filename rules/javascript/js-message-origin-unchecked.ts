export function listen(apply: (d: unknown) => void): void {
  // ruleid: js-message-origin-unchecked
  window.addEventListener("message", (ev: MessageEvent) => apply(ev.data));
  // ok: js-message-origin-unchecked
  window.addEventListener("message", (ev: MessageEvent) => {
    if (ev.origin === window.location.origin) apply(ev.data);
  });
}
