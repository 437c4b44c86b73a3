import type { ClientFlags } from '../../kube/client.js';
import type { KubeClient } from '../../kube/http.js';
import type { OutputFormat } from '../../term/output.js';
import type { KubeletSimulator } from './simulator.js';

/** What a `plinth upgrade nodes` verb acts on: the cluster, the run's state namespace and name, the global flags. */
export interface Ctx {
  client: KubeClient;
  namespace: string;
  run: string;
  g: ClientFlags & { output: OutputFormat };
  /** Drives --simulate-version on a local cluster. */
  simulator?: KubeletSimulator;
}
