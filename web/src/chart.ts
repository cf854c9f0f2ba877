// The KPI chart: one series at a time as an SVG line, with its range and time span written beside it.

import { chartGeometry, formatDuration, formatPercent, type KpiHistory, type KpiKey } from './shape';

export const chartSeries: Array<{ key: KpiKey; label: string; format(value: number): string }> = [
  { key: 'rides_waiting', label: 'Waiting requests', format: (v) => String(Math.round(v)) },
  { key: 'vehicles_online', label: 'Vehicles online', format: (v) => String(Math.round(v)) },
  { key: 'wait_mean_s', label: 'Mean wait', format: formatDuration },
  { key: 'wait_p95_s', label: 'p95 wait', format: formatDuration },
  { key: 'service_rate', label: 'Service rate', format: formatPercent },
  { key: 'rides_requested', label: 'Rides requested (total)', format: (v) => String(Math.round(v)) },
  { key: 'rides_completed', label: 'Rides completed (total)', format: (v) => String(Math.round(v)) },
  { key: 'rides_rejected', label: 'Rides rejected (total)', format: (v) => String(Math.round(v)) },
];

const svgNs = 'http://www.w3.org/2000/svg';
const width = 360;
const height = 120;

function clock(time: number): string {
  return new Date(time * 1000).toLocaleTimeString('en-GB', { hour12: false });
}

export class KpiChart {
  readonly element: HTMLElement;
  private key: KpiKey = 'rides_waiting';
  private readonly path: SVGPathElement;
  private readonly labels: { max: SVGTextElement; min: SVGTextElement; start: HTMLElement; end: HTMLElement; note: HTMLElement };

  constructor(private readonly history: KpiHistory) {
    this.element = document.createElement('div');
    this.element.className = 'chart';
    const select = document.createElement('select');
    select.id = 'chart-series';
    select.setAttribute('aria-label', 'KPI shown in the chart');
    for (const series of chartSeries) select.add(new Option(series.label, series.key));
    select.addEventListener('change', () => {
      this.key = select.value as KpiKey;
      this.draw();
    });
    const svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('viewBox', `-44 -8 ${width + 52} ${height + 16}`);
    svg.setAttribute('role', 'img');
    const frame = document.createElementNS(svgNs, 'path');
    frame.setAttribute('d', `M0,0 L0,${height} L${width},${height}`);
    frame.setAttribute('class', 'chart-frame');
    this.path = document.createElementNS(svgNs, 'path');
    this.path.setAttribute('class', 'chart-line');
    const text = (y: number) => {
      const t = document.createElementNS(svgNs, 'text');
      t.setAttribute('x', '-6');
      t.setAttribute('y', String(y));
      t.setAttribute('text-anchor', 'end');
      t.setAttribute('class', 'chart-label');
      return t;
    };
    const max = text(6);
    const min = text(height);
    svg.append(frame, this.path, max, min);
    const axis = document.createElement('div');
    axis.className = 'chart-axis';
    const start = document.createElement('span');
    const note = document.createElement('span');
    note.className = 'chart-note';
    const end = document.createElement('span');
    axis.append(start, note, end);
    this.labels = { max, min, start, end, note };
    this.element.append(select, svg, axis);
  }

  draw(): void {
    const series = chartSeries.find((s) => s.key === this.key) ?? chartSeries[0];
    const points = this.history.series(series.key);
    const geometry = chartGeometry(points, width, height);
    this.path.setAttribute('d', geometry.path);
    this.labels.max.textContent = points.length ? series.format(geometry.max) : '';
    this.labels.min.textContent = points.length ? series.format(geometry.min) : '';
    this.labels.start.textContent = points.length ? clock(geometry.start) : '';
    this.labels.end.textContent = points.length ? clock(geometry.end) : '';
    this.labels.note.textContent = points.length
      ? `${points.length} samples · now ${series.format(points[points.length - 1].value)}`
      : 'no samples yet';
  }
}
