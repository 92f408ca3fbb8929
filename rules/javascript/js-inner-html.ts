export function show(target: HTMLElement, message: string | null): void {
  // ruleid: js-inner-html
  target.innerHTML = message!;
  // ruleid: js-inner-html
  (document.getElementById("out") as HTMLElement).outerHTML = `<div>${message}</div>`;
  // ok: js-inner-html
  target.innerText = message ?? "";
  // ok: js-inner-html
  target.innerHTML = escapeHtml(message ?? "");
}

declare function escapeHtml(s: string): string;
