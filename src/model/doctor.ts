/** What `kubeknock doctor` found: the record src/app/doctor.ts builds and src/report/doctor.ts renders. */
import type { CanaryResult } from './canary.js';

export type Enforcement = 'yes' | 'no' | 'depends';

export interface CniFinding {
  readonly name: string;
  readonly enforcesNetworkPolicy: Enforcement;
  readonly note?: string;
  /** The workload that gave it away, e.g. `kube-system/DaemonSet/calico-node`. */
  readonly evidence: string;
}

export interface CniReport {
  readonly findings: readonly CniFinding[];
  /** Whether anything found enforces NetworkPolicy. */
  readonly enforcement: Enforcement | 'unknown';
}

export type DoctorCheckStatus = 'ok' | 'fail' | 'warn';

export interface DoctorCheck {
  readonly status: DoctorCheckStatus;
  readonly title: string;
  readonly detail: string;
  /** What to do, when there is something to do. */
  readonly fix?: string;
}

export interface DoctorReport {
  readonly server?: string;
  readonly context?: string;
  readonly source?: string;
  readonly namespaces: readonly string[];
  readonly checks: readonly DoctorCheck[];
  readonly cni?: CniReport;
  /** `doctor --canary`: what the canary saw, and whether it cleaned up. */
  readonly canary?: CanaryResult;
  /** No check failed: a run can work. */
  readonly canRun: boolean;
}
