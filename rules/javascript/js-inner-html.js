function render(el, user) {
  // ruleid: js-inner-html
  el.innerHTML = "<b>" + user.name + "</b>";
  // ruleid: js-inner-html
  el.insertAdjacentHTML("beforeend", `<li>${user.bio}</li>`);
  // ruleid: js-inner-html
  document.write(user.html);
  // ruleid: js-inner-html
  el.innerHTML += `<p>${user.note}</p>`;
  // ok: js-inner-html
  el.textContent = user.name;
  // ok: js-inner-html
  el.innerHTML = "<hr>";
  // ok: js-inner-html
  el.innerHTML = DOMPurify.sanitize(user.html);
}
