import { useEffect, useRef } from "react";

export function Snippet({ html }: { html: string }): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // ruleid: js-inner-html
    if (ref.current) ref.current.innerHTML = html;
    // ok: js-inner-html
    if (ref.current) ref.current.textContent = html;
  }, [html]);
  return <div ref={ref} />;
}
