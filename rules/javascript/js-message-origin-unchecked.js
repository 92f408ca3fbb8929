// ruleid: js-message-origin-unchecked
window.addEventListener("message", (event) => {
  document.getElementById("out").textContent = event.data.text;
});

// ok: js-message-origin-unchecked
window.addEventListener("message", (event) => {
  if (event.origin !== "https://app.example.com") return;
  document.getElementById("out").textContent = event.data.text;
});

// ruleid: js-message-origin-unchecked
window.onmessage = function (e) { run(e.data.command); };
