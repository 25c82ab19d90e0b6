// A name too long for its place loses its middle, not its end: "fashion-cnn-tr…final-v2.onnx"
// keeps both what it starts with and its distinguishing tail; the full text is in the title.
export function MiddleEllipsis({ text, title, testId, tail = 16 }: { text: string; title?: string; testId?: string; tail?: number }) {
  const cut = Math.max(0, text.length - tail);
  return (
    <span className="middle-ellipsis" title={title ?? text} data-testid={testId}>
      <span className="middle-ellipsis-head">{text.slice(0, cut)}</span>
      <span className="middle-ellipsis-tail">{text.slice(cut)}</span>
    </span>
  );
}
