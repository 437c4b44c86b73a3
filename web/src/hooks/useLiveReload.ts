/**
 * Loads a screen again when a live event concerns it: events that `matches` accepts within 150 ms are folded
 * into one reload. Returns whether the event stream is open.
 */
import { useCallback, useEffect, useRef } from 'react';
import type { ChangeEvent } from '../api/types.js';
import { useEvents } from './useEvents.js';

export function useLiveReload(namespace: string | undefined, matches: (e: ChangeEvent) => boolean, reload: () => void, onEvent?: (e: ChangeEvent) => void): boolean {
  const timer = useRef<number | undefined>(undefined);
  const reloadSoon = useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(reload, 150);
  }, [reload]);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return useEvents(namespace, (e) => {
    onEvent?.(e);
    if (matches(e)) reloadSoon();
  });
}
