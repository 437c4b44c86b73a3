import { PlinthError } from '../../errors/index.js';
import { LOCAL_PROVIDER, LocalProvider } from './local.js';
import type { ClusterProvider } from './types.js';

/** Where a provider gets its context: the local provider the hub its members belong to. */
export interface ProviderContext {
  /** The local hub cluster's name (`plinth up --name`, default `plinth`). */
  hub: string;
}

const PROVIDERS: Record<string, (ctx: ProviderContext) => ClusterProvider> = {
  [LOCAL_PROVIDER]: (ctx) => new LocalProvider(ctx.hub),
};

/** The provider named by `--provider`, or FLEET_PROVIDER_UNKNOWN. */
export function providerFor(name: string, ctx: ProviderContext): ClusterProvider {
  const make = PROVIDERS[name];
  if (!make) throw new PlinthError('FLEET_PROVIDER_UNKNOWN', { provider: name, known: Object.keys(PROVIDERS).join(', ') });
  return make(ctx);
}
