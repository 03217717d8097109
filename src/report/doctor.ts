/** The doctor's report as text (one line per check, ✓/✗/!) or JSON. Pure. */
import { assertNever } from '../model/assert-never.js';
import type { DoctorCheckStatus, DoctorReport } from '../model/doctor.js';

export type DoctorFormat = 'text' | 'json';

export function renderDoctor(report: DoctorReport, format: DoctorFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'text':
      return renderText(report);
    default:
      return assertNever(format, 'doctor format');
  }
}

function renderText(report: DoctorReport): string {
  const lines: string[] = [];
  if (report.server) {
    const via = [report.context ? `context ${report.context}` : undefined, report.source ? `kubeconfig from ${sourceName(report.source)}` : undefined]
      .filter(Boolean)
      .join(', ');
    lines.push(`Cluster ${report.server}${via ? ` (${via})` : ''}`);
  }
  for (const check of report.checks) {
    lines.push(`${mark(check.status)} ${check.title}: ${check.detail}`);
    if (check.fix) lines.push(`    → ${check.fix}`);
  }
  lines.push(report.canRun ? 'A run can work here.' : 'A run cannot work here until the ✗ items are fixed.');
  return `${lines.join('\n')}\n`;
}

function mark(status: DoctorCheckStatus): string {
  switch (status) {
    case 'ok':
      return '✓';
    case 'fail':
      return '✗';
    case 'warn':
      return '!';
    default:
      return assertNever(status, 'check status');
  }
}

/** Where the kubeconfig came from, as the user would name it. */
function sourceName(source: string): string {
  const names: Readonly<Record<string, string>> = {
    flag: '--kubeconfig',
    env: 'KUBECONFIG',
    'default-file': '~/.kube/config',
    'in-cluster': 'the in-cluster service account',
  };
  return names[source] ?? source;
}
