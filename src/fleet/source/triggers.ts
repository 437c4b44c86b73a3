// The webhook's way into the GitSource controller: the hub's HTTP server calls `trigger(namespace, name)` on a
// verified push; the controller, while it runs, fetches that source at once. The integrator creates one
// FetchTriggers and hands it to both.

export type TriggerFn = (namespace: string, name: string) => boolean;

export class FetchTriggers {
  private handler: TriggerFn | undefined;

  /** Fetch the GitSource now. False when no controller runs here (not the leader) or no such GitSource exists. */
  trigger(namespace: string, name: string): boolean {
    return this.handler ? this.handler(namespace, name) : false;
  }

  /** The controller attaches while it runs; the returned function detaches it. */
  attach(fn: TriggerFn): () => void {
    this.handler = fn;
    return () => {
      if (this.handler === fn) this.handler = undefined;
    };
  }
}
