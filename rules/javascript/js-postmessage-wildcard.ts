export function announce(frame: HTMLIFrameElement, state: Record<string, unknown>): void {
  // ruleid: js-postmessage-wildcard
  frame.contentWindow!.postMessage({ type: "state", state }, "*");
  // ok: js-postmessage-wildcard
  frame.contentWindow?.postMessage({ type: "state", state }, new URL(frame.src).origin);
}
