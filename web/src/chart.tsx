/**
 * A shared chart definition (src/charts/options.ts, the HTML report's too) drawn in the browser
 * by ECharts with its SVG renderer (echarts.ts: tree-shaken, loaded with the first chart). Beside it, the same numbers as a table for screen readers and tests: each
 * point's value is in the DOM.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { ChartSpec } from '../../src/charts/options.js';

export function Chart(p: { spec: ChartSpec; label: string; rows: readonly (readonly [string, string])[]; headers: readonly [string, string] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let stop = () => {};
    let gone = false;
    void import('./echarts.js').then(({ init }) => {
      if (gone || !el.current) return;
      const chart = init(el.current, null, { renderer: 'svg', height: p.spec.height });
      chart.setOption(p.spec.option);
      const resize = new ResizeObserver(() => chart.resize());
      resize.observe(el.current);
      stop = () => (resize.disconnect(), chart.dispose());
    });
    return () => ((gone = true), stop());
  }, [p.spec]);
  return (
    <figure class="chart">
      <div ref={el} role="img" aria-label={p.label} style={{ height: `${p.spec.height}px` }} />
      <table class="visually-hidden">
        <caption>{p.label}</caption>
        <thead>
          <tr>
            <th scope="col">{p.headers[0]}</th>
            <th scope="col">{p.headers[1]}</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map(([k, v]) => (
            <tr data-key={k} data-value={v}>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
