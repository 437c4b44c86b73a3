/**
 * Live changes from the console's Server-Sent Events (`GET /api/v1/events`, `event: change`). The browser's
 * EventSource reconnects by itself; the handler always sees the latest closure.
 */
import { useEffect, useRef, useState } from 'react';
import type { ChangeEvent } from '../api/types.js';

export function useEvents(namespace: string | undefined, onChange: (e: ChangeEvent) => void): boolean {
  const handler = useRef(onChange);
  handler.current = onChange;
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const url = `/api/v1/events${namespace ? `?namespace=${encodeURIComponent(namespace)}` : ''}`;
    const es = new EventSource(url, { withCredentials: true });
    es.onopen = () => setOpen(true);
    es.onerror = () => setOpen(es.readyState === EventSource.OPEN);
    const listener = (m: MessageEvent<string>): void => {
      try {
        handler.current(JSON.parse(m.data) as ChangeEvent);
      } catch {
        // a malformed event is skipped
      }
    };
    es.addEventListener('change', listener);
    return () => {
      es.removeEventListener('change', listener);
      es.close();
      setOpen(false);
    };
  }, [namespace]);
  return open;
}
