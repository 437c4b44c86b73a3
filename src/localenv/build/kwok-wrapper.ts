/**
 * The kwok wrapper module. kwok evaluates CEL stage selectors on the typed object (a *corev1.Pod),
 * but its CEL environment (sigs.k8s.io/kwok/pkg/utils/cel.DefaultTypes) registers only Pod, PodSpec,
 * PodStatus, Container, Node, NodeSpec, NodeStatus and ObjectMeta: an expression that reaches into
 * status.conditions or status.containerStatuses fails to compile ("unexpected failed resolution of
 * 'v1.ContainerStatus'"). The wrapper appends the element types our stages read, before kwok builds
 * any environment, and then runs kwok's own command unchanged.
 */

/** Modules the wrapper imports directly: required at the versions kwok's own go.mod requires. */
export const KWOK_DIRECT_MODULES = ['github.com/spf13/pflag', 'k8s.io/api', 'k8s.io/apimachinery'] as const;

export interface KwokModule {
  /** kwok release, e.g. v0.7.0. */
  kwok: string;
  /** The `go` directive of kwok's go.mod. */
  goVersion: string;
  /** Version of each of KWOK_DIRECT_MODULES, from kwok's go.mod. */
  requires: Readonly<Record<(typeof KWOK_DIRECT_MODULES)[number], string>>;
}

export function kwokGoMod(m: KwokModule): string {
  return [
    '// Written by Plinth (src/localenv/build); rewritten on every build.',
    'module plinth.local/kwok',
    '',
    `go ${m.goVersion}`,
    '',
    'require (',
    `\tsigs.k8s.io/kwok ${m.kwok}`,
    ...KWOK_DIRECT_MODULES.map((mod) => `\t${mod} ${m.requires[mod]}`),
    ')',
    '',
  ].join('\n');
}

/** The Kubernetes types (Go expressions) the wrapper adds to kwok's CEL environment. */
export const KWOK_EXTRA_CEL_TYPES = [
  'corev1.ContainerStatus{}',
  'corev1.PodCondition{}',
  'corev1.PodReadinessGate{}',
  'corev1.NodeCondition{}',
  'metav1.OwnerReference{}',
] as const;

/** main.go of the kwok wrapper: kwok's command, flags and logging, with the extra CEL types. */
export const KWOK_MAIN_GO = `// Written by Plinth (src/localenv/build).
package main

import (
\t"os"

\t"github.com/spf13/pflag"
\tcorev1 "k8s.io/api/core/v1"
\tmetav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

\t"sigs.k8s.io/kwok/pkg/config"
\t"sigs.k8s.io/kwok/pkg/kwok/cmd"
\t"sigs.k8s.io/kwok/pkg/log"
\tkwokcel "sigs.k8s.io/kwok/pkg/utils/cel"
\t"sigs.k8s.io/kwok/pkg/utils/signals"
)

func init() {
\tkwokcel.DefaultTypes = append(kwokcel.DefaultTypes,
${KWOK_EXTRA_CEL_TYPES.map((t) => `\t\t${t},`).join('\n')}
\t)
}

func main() {
\tflags := pflag.NewFlagSet("global", pflag.ContinueOnError)
\tflags.ParseErrorsWhitelist.UnknownFlags = true
\tflags.Usage = func() {}
\tctx, logger := log.InitFlags(signals.SetupSignalContext(), flags)
\tctx, err := config.InitFlags(ctx, flags)
\tif err != nil {
\t\t_, _ = os.Stderr.WriteString(flags.FlagUsages())
\t\tlogger.Error("Init config flags", err)
\t\tos.Exit(1)
\t}
\tcommand := cmd.NewCommand(ctx)
\tcommand.PersistentFlags().AddFlagSet(flags)
\tif err := command.ExecuteContext(ctx); err != nil {
\t\tlogger.Error("Execute exit", err)
\t\tos.Exit(1)
\t}
}
`;
