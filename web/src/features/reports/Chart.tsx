import { useEffect, useRef } from 'react';
import type { EChartsOption } from 'echarts';

// ECharts is big: it is imported when a chart is first drawn, so it lands in its own chunk and
// the map never waits for it.
const echarts = () => import('echarts');

/**
 * One ECharts chart (canvas) in a box of the given height, redrawn when its option changes;
 * `label` says in words what the canvas shows (screen readers, and tests that read the figures).
 */
export function Chart({
  option,
  height = 220,
  testId,
  label,
}: {
  option: EChartsOption;
  height?: number;
  testId: string;
  label?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let gone = false;
    let dispose = () => {};
    void echarts().then((e) => {
      if (gone || !box.current) return;
      const chart = e.init(box.current, undefined, { renderer: 'canvas' });
      // no animation: a report is read, and a screenshot shows the final figures
      chart.setOption({ animation: false, ...option });
      const resize = () => chart.resize();
      window.addEventListener('resize', resize);
      dispose = () => {
        window.removeEventListener('resize', resize);
        chart.dispose();
      };
    });
    return () => {
      gone = true;
      dispose();
    };
  }, [option]);
  return (
    <div
      ref={box}
      className="chart"
      style={{ height }}
      data-testid={testId}
      role={label ? 'img' : undefined}
      aria-label={label}
    />
  );
}
