import type { V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrder, ReleaseOrderStatusT } from '../../api/index.js';
import type { CheckMoment, CheckVerdict } from './checks.js';

export interface ProgressInput {
  order: ReleaseOrder;
  cd: CellDeployment;
  /** The newest order of the CellDeployment (undefined: this is it). */
  newer: { name: string; toRevision: string } | undefined;
  /** The CellDeployment's pods. */
  pods: readonly V1Pod[];
  now: Date;
  /** Answers of the check hooks, once asked (see `needs`), by {@link verdictKey}. */
  verdicts?: ReadonlyMap<string, CheckVerdict>;
}

/** The key of a check hook's verdict in ProgressInput.verdicts. */
export function verdictKey(check: CheckMoment, batch: number): string {
  return `${check}:${batch}`;
}

export interface OrderEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ProgressOutput {
  status: ReleaseOrderStatusT;
  /** Come back after this long (pauseSeconds, a blocked or running check). */
  requeueAfterMs?: number;
  events: OrderEvent[];
  /** A check hook must answer first: call it and run progress again with its verdict. */
  needs?: { check: CheckMoment; batch: number };
  /** A check failed with onFailure Pause: set the order's spec.paused (resuming runs the checks again). */
  pauseOrder?: boolean;
}

/** Appends a decision to status.history (by system:plinth). */
export type Say = (action: string, batch?: number, message?: string) => void;
/** Records an Event on the order. */
export type Emit = (reason: string, message: string, type?: 'Normal' | 'Warning') => void;
