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

class Post extends React.Component {
  render() {
    // ruleid: js-dangerously-set-inner-html
    const a = <div dangerouslySetInnerHTML={this.getMarkup()} />;
    // ruleid: js-dangerously-set-inner-html
    const b = React.createElement("span", { dangerouslySetInnerHTML: { __html: this.props.html } });
    // ok: js-dangerously-set-inner-html
    const RESERVED_PROPS = { children: true, dangerouslySetInnerHTML: true };
    return [a, b, RESERVED_PROPS];
  }
}
