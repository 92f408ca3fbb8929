function afterLogin(req, res) {
  // ruleid: js-open-redirect
  res.redirect(req.query.next);
  // ruleid: js-open-redirect
  res.redirect(302, "https://" + req.headers.host + req.query.path);
  // ok: js-open-redirect
  res.redirect("/dashboard");
}

function clientSide() {
  const params = new URLSearchParams(window.location.search);
  // ruleid: js-open-redirect
  window.location.href = new URLSearchParams(location.search).get("returnTo");
  // ruleid: js-open-redirect
  location.assign(decodeURIComponent(location.hash.slice(1)));
  // ok: js-open-redirect
  window.location.href = "/home";
  return params;
}
