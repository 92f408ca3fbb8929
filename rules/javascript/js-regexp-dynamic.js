function search(items, term) {
  // ruleid: js-regexp-dynamic
  const re = new RegExp("^" + term, "i");
  // ruleid: js-regexp-dynamic
  const other = RegExp(term);
  // ok: js-regexp-dynamic
  const fixed = new RegExp("^[a-z]+$", "i");
  return items.filter((x) => re.test(x) || other.test(x) || fixed.test(x));
}
