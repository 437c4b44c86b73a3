import type { Converter, Obj, Step } from './types.js';
import { arr, clone, identity, obj, withApiVersion } from './util.js';
import { keepUnknownFields, structural } from './crd-schema.js';

/**
 * CustomResourceDefinition apiextensions.k8s.io/v1beta1 to v1: spec.version becomes versions[], the
 * top-level validation/subresources/additionalPrinterColumns move into every version (JSONPath is
 * jsonPath), the schema is made structural (a minimal one that keeps any field when there was none),
 * preserveUnknownFields (default true in v1beta1) becomes x-kubernetes-preserve-unknown-fields in the
 * schema, the conversion webhook settings move under conversion.webhook, and scope is explicit.
 */
export const crdConverter: Converter = (o: Obj, to: string): Step => {
  const changes = [`apiVersion ${String(o.apiVersion)} -> ${to}`];
  const warnings: string[] = [];
  const who = identity(o);
  const out = withApiVersion(clone(o), to);
  const spec = obj(out.spec);
  if (!spec) return { object: out, changes, warnings: [`${who}: has no spec; apiextensions.k8s.io/v1 requires one`] };
  if ('status' in out) {
    delete out.status;
    changes.push('status dropped (the apiserver writes it)');
  }
  const preserve = spec.preserveUnknownFields !== false;
  const topSchema = obj(obj(spec.validation)?.openAPIV3Schema);
  let noSchemaWarned = false;
  const versions = (Array.isArray(spec.versions) && spec.versions.length > 0 ? spec.versions : [{ name: spec.version, served: true, storage: true }]).map(
    (v: unknown): Obj => {
      const ver = obj(v) ?? {};
      const name = String(ver.name);
      const out: Obj = {};
      for (const [k, val] of Object.entries(ver)) if (!['schema', 'subresources', 'additionalPrinterColumns'].includes(k)) out[k] = val;
      let schema = obj(obj(ver.schema)?.openAPIV3Schema) ?? topSchema;
      if (schema) {
        schema = structural(schema, changes, warnings, `${who} version ${name}`);
        if (preserve) {
          schema = keepUnknownFields(schema);
          changes.push(`versions[${name}].schema: x-kubernetes-preserve-unknown-fields: true on object nodes (v1beta1 preserveUnknownFields defaulted to true; pruning stays off)`);
        }
      } else {
        schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
        changes.push(`versions[${name}].schema: minimal structural schema (type: object, x-kubernetes-preserve-unknown-fields: true)`);
        if (!noSchemaWarned) {
          warnings.push(`${who}: had no validation schema; a minimal one that accepts any field was written — replace it with a real schema to get validation and pruning`);
          noSchemaWarned = true;
        }
      }
      out.schema = { openAPIV3Schema: schema };
      const sub = ver.subresources ?? spec.subresources;
      if (sub !== undefined) out.subresources = clone(sub);
      const cols = ver.additionalPrinterColumns ?? spec.additionalPrinterColumns;
      if (Array.isArray(cols)) out.additionalPrinterColumns = cols.map(column);
      return out;
    },
  );
  if (spec.subresources !== undefined) changes.push('spec.subresources -> spec.versions[].subresources');
  if (spec.additionalPrinterColumns !== undefined) changes.push('spec.additionalPrinterColumns -> spec.versions[].additionalPrinterColumns (JSONPath -> jsonPath)');
  if (topSchema) changes.push('spec.validation.openAPIV3Schema -> spec.versions[].schema.openAPIV3Schema');
  if (spec.version !== undefined) changes.push('spec.version -> spec.versions[]');
  if (spec.preserveUnknownFields !== undefined) changes.push('spec.preserveUnknownFields removed (must be false in v1; see the schema markers)');

  const newSpec: Obj = {};
  const put = (k: string, v: unknown): void => {
    if (!(k in newSpec)) newSpec[k] = v;
  };
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'version' || k === 'versions') put('versions', versions);
    else if (k === 'names') {
      put('names', v);
      if (spec.scope === undefined) {
        put('scope', 'Namespaced');
        changes.push('spec.scope: Namespaced written out (the v1beta1 default; required in v1)');
      }
    } else if (k === 'conversion') put('conversion', conversion(v, changes));
    else if (!['validation', 'subresources', 'additionalPrinterColumns', 'preserveUnknownFields'].includes(k)) put(k, v);
  }
  put('scope', 'Namespaced');
  put('versions', versions);
  out.spec = newSpec;
  return { object: out, changes, warnings };
};

function column(c: unknown): unknown {
  const col = obj(c);
  if (!col || col.JSONPath === undefined) return c;
  const out: Obj = {};
  for (const [k, v] of Object.entries(col)) out[k === 'JSONPath' ? 'jsonPath' : k] = v;
  return out;
}

function conversion(c: unknown, changes: string[]): unknown {
  const conv = obj(c);
  if (!conv || conv.strategy !== 'Webhook') {
    if (conv && (conv.webhookClientConfig !== undefined || conv.conversionReviewVersions !== undefined)) {
      const { webhookClientConfig: _w, conversionReviewVersions: _r, ...rest } = conv;
      return rest;
    }
    return c;
  }
  const webhook: Obj = { clientConfig: conv.webhookClientConfig };
  const versions = arr(conv.conversionReviewVersions);
  webhook.conversionReviewVersions = versions.length > 0 ? versions : ['v1beta1'];
  changes.push('spec.conversion.webhookClientConfig/conversionReviewVersions -> spec.conversion.webhook.clientConfig/conversionReviewVersions');
  if (versions.length === 0) changes.push('spec.conversion.webhook.conversionReviewVersions: [v1beta1] written out (the v1beta1 default; required in v1)');
  return { strategy: 'Webhook', webhook };
}
