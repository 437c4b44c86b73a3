/**
 * Counts steps across the components of one `ensureBinaries` call and reports them.
 */
import type { BuildProgress } from './types.js';

export class ProgressTracker {
  private done = 0;
  private total = 0;

  constructor(private readonly onProgress: ((p: BuildProgress) => void) | undefined) {}

  /** Announces that `steps` more steps will run. */
  plan(steps: number): void {
    this.total += steps;
  }

  /** A step starts (done counts the steps finished before it). */
  start(component: string, version: string, step: string): void {
    this.emit({ component, version, step, done: this.done, total: this.total });
  }

  /** A step finished. */
  finish(): void {
    this.done += 1;
  }

  /** The planned steps of a component did not run (found in the cache); they count as done. */
  skip(component: string, version: string, steps: number, step = 'cached'): void {
    this.done += steps;
    this.emit({ component, version, step, done: this.done, total: this.total });
  }

  /** An informational step that is not counted (e.g. waiting for another process). */
  note(component: string, version: string, step: string): void {
    this.emit({ component, version, step, done: this.done, total: this.total });
  }

  complete(component: string, version: string): void {
    this.done = this.total;
    this.emit({ component, version, step: 'done', done: this.done, total: this.total });
  }

  private emit(p: BuildProgress): void {
    try {
      this.onProgress?.(p);
    } catch {
      // a faulty progress callback must not break the build
    }
  }
}
