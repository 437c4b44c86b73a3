/** Run `fn` over `items` with at most `limit` calls in flight; the first error stops new calls and is thrown. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failed: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw failed.err;
}
