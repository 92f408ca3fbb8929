function validate(input) {
  // ruleid: js-redos
  const email = /^([a-zA-Z0-9]+\.?)+@example\.com$/;
  // ruleid: js-redos
  const words = new RegExp("^(\\w+\\s?)*$");
  // ok: js-redos
  const slug = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  // ok: js-redos
  const digits = new RegExp("^[0-9]{1,10}$");
  return email.test(input) && words.test(input) && slug.test(input) && digits.test(input);
}
