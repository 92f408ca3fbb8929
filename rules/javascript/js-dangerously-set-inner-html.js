function Comment({ comment }) {
  // ruleid: js-dangerously-set-inner-html
  const body = <div dangerouslySetInnerHTML={{ __html: comment.body }} />;
  // ok: js-dangerously-set-inner-html
  const clean = <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(comment.body) }} />;
  // ok: js-dangerously-set-inner-html
  const text = <div>{comment.body}</div>;
  return (
    <article>
      {body}
      {clean}
      {text}
    </article>
  );
}
