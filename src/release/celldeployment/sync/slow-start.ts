/**
 * ReplicaSet's slow start: runs `fn` over `items` in batches of `initial`, 2 × `initial`, 4 × …, each batch all at
 * once, and stops after the first batch in which some call returned false. Resolves to how many items were
 * started (the rest were skipped). `fn` reports failure by returning false; it should not throw.
 */
export async function slowStart<T>(items: readonly T[], initial: number, fn: (item: T) => Promise<boolean>): Promise<number> {
  let done = 0;
  for (let size = Math.max(1, initial); done < items.length; size *= 2) {
    const batch = items.slice(done, done + size);
    done += batch.length;
    const ok = await Promise.all(batch.map(fn));
    if (ok.includes(false)) break;
  }
  return done;
}
