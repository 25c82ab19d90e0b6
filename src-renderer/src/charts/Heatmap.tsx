// Per-block gradient norms over steps: one row per block, one column per group of steps,
// colour = log10 of the norm. A canvas, redrawn once per animation frame at most.
import { useEffect, useRef } from 'react';

const MAX_COLUMNS = 480;

/** Dark blue (small) to yellow (large): perceptually ordered, readable on white. */
function colour(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export function Heatmap({ rows, columns, value, title, testId }: {
  rows: string[];
  /** Number of steps. */
  columns: number;
  /** The norm of block `row` at step index `col`, or undefined. */
  value(row: number, col: number): number | undefined;
  title: string;
  testId: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef(0);
  const range = useRef({ lo: 0, hi: 0 });

  useEffect(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      const c = canvas.current;
      if (!c) return;
      const width = c.clientWidth || 400;
      const rowH = 16;
      c.width = width;
      c.height = Math.max(1, rows.length) * rowH;
      const ctx = c.getContext('2d');
      if (!ctx) return;
      ctx.clearRect(0, 0, c.width, c.height);
      const cols = Math.min(columns, MAX_COLUMNS);
      if (cols === 0) return;
      const per = columns / cols;
      // Each cell: the mean log-norm of its steps.
      const cells: (number | null)[][] = rows.map((_, r) =>
        Array.from({ length: cols }, (_, k) => {
          let sum = 0;
          let n = 0;
          for (let s = Math.floor(k * per); s < Math.floor((k + 1) * per); s++) {
            const v = value(r, s);
            if (v !== undefined && v > 0) {
              sum += Math.log10(v);
              n++;
            }
          }
          return n ? sum / n : null;
        }),
      );
      const all = cells.flat().filter((v): v is number => v !== null);
      const lo = all.length ? Math.min(...all) : 0;
      const hi = all.length ? Math.max(...all) : 1;
      range.current = { lo, hi };
      const w = width / cols;
      cells.forEach((row, r) =>
        row.forEach((v, k) => {
          if (v === null) return;
          ctx.fillStyle = colour(hi > lo ? (v - lo) / (hi - lo) : 0.5);
          ctx.fillRect(k * w, r * rowH, Math.ceil(w), rowH - 1);
        }),
      );
    });
    return () => cancelAnimationFrame(frame.current);
  }, [rows, columns, value]);

  return (
    <figure className="chart heatmap" data-testid={testId} data-columns={columns}>
      <figcaption>{title}</figcaption>
      <div className="heatmap-body">
        <ul className="heatmap-rows" aria-hidden="true">
          {rows.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
        <canvas ref={canvas} role="img" aria-label={`${title}: ${rows.length} blocks over ${columns} steps`} />
      </div>
      <div className="heatmap-scale" aria-hidden="true">
        <span>small</span>
        <span className="heatmap-gradient" />
        <span>large (log scale)</span>
      </div>
    </figure>
  );
}
