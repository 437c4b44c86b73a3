/**
 * The units × batches grid of a release: one column per batch (`release-batch-K`, K from 1, with its phase and
 * timing) plus the pods the release does not change, one row per unit, each pod a `pod-cell` coloured by state
 * (a plain element with a native title: a release of 1,000 pods renders 1,000 of them).
 */
import { Typography } from 'antd';
import { memo, type ReactNode } from 'react';
import type { BatchView, PodState, PodView } from '../api/types.js';
import { useT } from '../i18n/index.js';
import { duration, secondsBetween } from './format.js';
import { PhaseTag } from './PhaseTag.js';
import { groupPods } from '../podGroups.js';

export const STATE_COLOURS: Record<PodState, string> = {
  waiting: '#d9d9d9',
  draining: '#faad14',
  updating: '#1677ff',
  ready: '#52c41a',
  failed: '#ff4d4f',
};

/** A cell renders again only when what it shows changed (a reloaded detail brings new objects for every pod). */
const sameCell = (a: { pod: PodView }, b: { pod: PodView }): boolean =>
  a.pod.name === b.pod.name && a.pod.state === b.pod.state && a.pod.batch === b.pod.batch && a.pod.node === b.pod.node && a.pod.revision === b.pod.revision;

export const PodCell = memo(function PodCell({ pod }: { pod: PodView }): ReactNode {
  const t = useT();
  return (
    <span
      data-testid="pod-cell"
      data-pod={pod.name}
      data-state={pod.state}
      data-batch={pod.batch === null ? undefined : pod.batch + 1}
      title={`${pod.name} · ${t(`state.${pod.state}`)} · ${pod.node ?? '—'} · ${pod.revision}`}
      aria-label={`${pod.name}: ${t(`state.${pod.state}`)}`}
      style={{ display: 'inline-block', width: 14, height: 14, margin: 2, borderRadius: 3, background: STATE_COLOURS[pod.state], border: '1px solid rgba(0,0,0,0.15)' }}
    />
  );
}, sameCell);

export function Legend(): ReactNode {
  const t = useT();
  return (
    <span>
      {(Object.keys(STATE_COLOURS) as PodState[]).map((s) => (
        <span key={s} style={{ marginRight: 12, whiteSpace: 'nowrap' }}>
          <span style={{ display: 'inline-block', width: 10, height: 10, marginRight: 4, borderRadius: 2, background: STATE_COLOURS[s] }} />
          {t(`state.${s}`)}
        </span>
      ))}
    </span>
  );
}

export function PodGrid({ pods, batches }: { pods: PodView[]; batches: BatchView[] }): ReactNode {
  const t = useT();
  const grouped = groupPods(pods);
  const hasUnchanged = pods.some((p) => p.batch === null);
  const cols: Array<number | null> = [...batches.map((b) => b.index), ...(hasUnchanged ? [null] : [])];
  const cell = { padding: 6, borderBottom: '1px solid #f0f0f0', verticalAlign: 'top' } as const;
  return (
    <div style={{ overflowX: 'auto' }}>
      <table style={{ borderCollapse: 'collapse', width: '100%' }}>
        <thead>
          <tr>
            <th style={{ ...cell, textAlign: 'left' }}>{t('release.unit')}</th>
            {cols.map((c) => {
              const b = c === null ? undefined : batches.find((x) => x.index === c);
              return (
                <th key={String(c)} style={{ ...cell, textAlign: 'left' }} data-testid={b ? `release-batch-${b.number}` : 'release-unchanged'} data-phase={b?.phase}>
                  <div>{b ? t('release.batchN', { n: b.number }) : t('release.unchanged')}</div>
                  {b ? <PhaseTag phase={b.phase} /> : null}
                  {b?.startedAt ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {duration(secondsBetween(b.startedAt, b.finishedAt))}
                    </Typography.Text>
                  ) : null}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {[...grouped.entries()].map(([unit, row]) => (
            <tr key={unit} data-testid="unit-row" data-unit={unit}>
              <td style={cell}>{unit || '—'}</td>
              {cols.map((c) => (
                <td key={String(c)} style={cell}>
                  {(row.get(c) ?? []).map((p) => (
                    <PodCell key={p.name} pod={p} />
                  ))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
