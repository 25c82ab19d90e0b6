// A uPlot line chart that follows its container's width and takes new data without being
// rebuilt: streaming points costs one setData, not a new chart.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { logTicks } from './log-ticks.js';
import { tickLabels } from './tick-labels.js';

export interface SeriesSpec {
  label: string;
  color: string;
  /** Draw points only (epoch values over step curves). */
  points?: boolean;
  /** Mark each value on the line too (few values, e.g. one per epoch). */
  marks?: boolean;
  dash?: number[];
  /** Line width in CSS pixels (default 1.5): the run in focus drawn heavier than the others. */
  width?: number;
}

/** Whole-number tick steps (epochs, steps, time steps): never a tick at 2.5. */
const INTEGER_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];

export function LineChart({ title, xLabel, series, data, logY = false, percentY = false, integerX = false, height = 180, testId }: {
  title: string;
  xLabel: string;
  series: SeriesSpec[];
  /** [x, y1, y2, ...], all the same length; null where a series has no value. */
  data: (number | null)[][];
  logY?: boolean;
  /** y is a share (accuracy): ticks read as percentages. */
  percentY?: boolean;
  /** x counts whole things (epochs, time steps): no ticks in between. */
  integerX?: boolean;
  height?: number;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const key = JSON.stringify([series, logY, percentY, integerX, height, xLabel]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: true, y: false } },
      // A flat linear series (a constant learning rate) gets room around it, so its value has a tick.
      // Log axes plot log10 of the values on a linear scale cut at whole decades: uPlot's own log
      // scale hides its axis once values pass 1e17 (an exploding gradient's do).
      scales: {
        x: { time: false },
        y: { range: logY ? (_u: uPlot, min: number, max: number) => (min === max ? [min - 1, max + 1] : [Math.floor(min), Math.ceil(max)]) : (_u: uPlot, min: number, max: number) => (min === max ? [0, max > 0 ? 2 * max : 1] : uPlot.rangeNum(min, max, 0.1, true)) },
      },
      axes: [
        { label: xLabel, size: 36, ...(integerX ? { incrs: INTEGER_INCRS } : {}) },
        // Log axes get more room between labels: a decade per tick at most. Linear ones a little
        // less, so a short chart's range (a loss from 0.6 to 1.3) gets more than one tick.
        {
          size: 60,
          space: logY ? 30 : 24,
          values: (_u: uPlot, ticks: (number | null)[]) => tickLabels(logY ? ticks.map((t) => (t === null ? null : 10 ** t)) : ticks, percentY),
          ...(logY ? { splits: (_u: uPlot, _i: number, min: number, max: number) => logTicks(10 ** min, 10 ** max).map(Math.log10) } : {}),
        },
      ],
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 1.5,
          dash: s.dash,
          spanGaps: true,
          points: s.points || s.marks ? { show: true, size: 6, fill: s.color } : { show: false },
          ...(s.points ? { paths: () => null } : {}),
        })),
      ],
    };
    const u = new uPlot(opts, [[]], el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its series change (key), never for new data.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  useEffect(() => {
    const shown = logY ? data.map((values, i) => (i === 0 ? values : values.map((v) => (v !== null && v > 0 ? Math.log10(v) : null)))) : data;
    plot.current?.setData(shown as uPlot.AlignedData);
  }, [data, key, logY]);

  return (
    <figure className="chart" data-testid={testId} data-points={data[0]?.length ?? 0}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="chart-box" />
    </figure>
  );
}
