/**
 * Metric families → an exposition: Prometheus' text format 0.0.4 (node_exporter's textfile collector,
 * the Pushgateway) or OpenMetrics 1.0. No sample carries a timestamp: a textfile or a pushed group is
 * scraped as "now", and a timestamp would make Prometheus drop the series as stale once it is old.
 */
import { assertNever } from '../../model/assert-never.js';
import type { MetricFamily, MetricLabels } from './family.js';

export const METRICS_FORMATS = ['prometheus', 'openmetrics'] as const;
export type MetricsFormat = (typeof METRICS_FORMATS)[number];

/** The Content-Type a scraper or the Pushgateway is told, per format. */
export function metricsContentType(format: MetricsFormat): string {
  switch (format) {
    case 'prometheus':
      return 'text/plain; version=0.0.4; charset=utf-8';
    case 'openmetrics':
      return 'application/openmetrics-text; version=1.0.0; charset=utf-8';
    default:
      return assertNever(format, 'metrics format');
  }
}

export function renderExposition(families: readonly MetricFamily[], format: MetricsFormat): string {
  const lines: string[] = [];
  for (const family of families) {
    switch (format) {
      case 'prometheus':
        lines.push(`# HELP ${family.name} ${escapeHelp(family.help, format)}`, `# TYPE ${family.name} gauge`);
        break;
      case 'openmetrics': {
        // OpenMetrics names the family without the type's suffix: family `kubeknock_build`, type info,
        // sample `kubeknock_build_info`.
        const name = family.type === 'info' ? family.name.replace(/_info$/, '') : family.name;
        lines.push(`# TYPE ${name} ${family.type}`);
        if (family.unit) lines.push(`# UNIT ${name} ${family.unit}`);
        lines.push(`# HELP ${name} ${escapeHelp(family.help, format)}`);
        break;
      }
      default:
        return assertNever(format, 'metrics format');
    }
    for (const sample of family.samples) lines.push(`${family.name}${renderLabels(sample.labels)} ${renderValue(sample.value)}`);
  }
  if (format === 'openmetrics') lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function renderLabels(labels: MetricLabels): string {
  if (labels.length === 0) return '';
  return `{${labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** Both formats escape a label value's backslash, double quote and line feed, and nothing else. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed in both formats; OpenMetrics escapes the double quote too. */
function escapeHelp(text: string, format: MetricsFormat): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return format === 'openmetrics' ? escaped.replace(/"/g, '\\"') : escaped;
}

function renderValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
