import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: (number | null)[];
  colour: string;
}

/** The time axis around the data, widened to `minSpan` seconds when the data spans less. */
function timeRange(times: readonly number[], minSpan: number): [number, number] {
  const first = times[0] ?? 0;
  const last = times.at(-1) ?? first;
  const missing = minSpan - (last - first);
  return missing > 0 ? [first - missing / 2, last + missing / 2] : [first, last];
}

/**
 * A time-series line chart (uPlot) that fits its container's width and redraws when it resizes.
 * `onPick` receives the time of the point a person clicks, for drill-down to the data behind it.
 */
export function LineChart({
  times,
  series,
  title,
  onPick,
  height = 220,
  minSpanSeconds = 3600,
}: {
  /** Ascending, in seconds. */
  times: number[];
  series: Series[];
  title: string;
  onPick?: (time: number) => void;
  height?: number;
  /** The narrowest time axis shown. */
  minSpanSeconds?: number;
}) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const plot = new uPlot(
      {
        width: element.clientWidth || 600,
        height,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.colour, width: 2, spanGaps: true }))],
        // Points recorded seconds apart (a new organisation's first scores) or a single day would get a
        // meaningless time axis; a minimum span keeps its ticks in units a person reads.
        scales: { x: { time: true, range: () => timeRange(times, minSpanSeconds) } },
        axes: [{}, { size: 50 }],
        cursor: { drag: { x: false, y: false } },
      },
      [times, ...series.map((s) => s.values)],
      element,
    );
    const pick = () => {
      const index = plot.cursor.idx;
      if (onPick && index !== null && index !== undefined && times[index] !== undefined)
        onPick(times[index]!);
    };
    plot.over.addEventListener('click', pick);
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, height, onPick, minSpanSeconds]);
  return <div class="chart" ref={container} role="img" aria-label={title} />;
}
