function notify(frame, data) {
  // ruleid: js-postmessage-wildcard
  frame.contentWindow.postMessage(JSON.stringify(data), "*");
  // ruleid: js-postmessage-wildcard
  window.parent.postMessage({ type: "ready" }, '*');
  // ok: js-postmessage-wildcard
  window.parent.postMessage({ type: "ready" }, "https://app.example.com");
}
