export function highlight(text: string, term: string): string {
  // ruleid: js-regexp-dynamic
  const re = new RegExp(`(${term})`, "gi");
  // ok: js-regexp-dynamic
  const ws = new RegExp("\\s+", "g");
  return text.replace(re, "<mark>$1</mark>").replace(ws, " ");
}
