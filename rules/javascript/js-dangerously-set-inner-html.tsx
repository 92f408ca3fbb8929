import DOMPurify from "dompurify";

type Props = { html: string; title?: string };

export function Preview({ html, title }: Props): JSX.Element {
  // ruleid: js-dangerously-set-inner-html
  const heading = <h1 dangerouslySetInnerHTML={{ __html: `<em>${title ?? ""}</em>` }} />;
  const preview = (
    <div
      className="preview"
      // ruleid: js-dangerously-set-inner-html
      dangerouslySetInnerHTML={{ __html: html as string }}
    />
  );
  // ok: js-dangerously-set-inner-html
  const clean = <div className="preview" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }} />;
  // ok: js-dangerously-set-inner-html
  const space = <hr dangerouslySetInnerHTML={{ __html: "&nbsp;" }} />;
  return <section>{heading}{preview}{clean}{space}</section>;
}
