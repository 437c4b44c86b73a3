/**
 * Container image references as Docker, containerd and CRI-O read them (the grammar of the distribution
 * project's `reference` package, with Docker's rule for telling a registry from a path):
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path-component ( "/" path-component )*      (at most 255 characters)
 *   domain     := host [ ":" port ]      host: DNS labels joined by ".", or "[" IPv6 "]"; port: digits
 *   path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest     := algorithm ":" hex      sha256 (64), sha384 (96) or sha512 (128) lowercase hex characters
 *
 * The first component is a registry only when it contains "." or ":", is "localhost", or has an upper-case
 * letter (Docker's rule): "library/nginx" is a path, "registry.corp:5000/nginx" has a registry.
 */

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST_HEX: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha384: /^[a-f0-9]{96}$/,
  sha512: /^[a-f0-9]{128}$/,
};
const NAME_MAX = 255;

/** The parts of a valid image reference. */
export interface ImageReference {
  /** The registry host[:port], when the reference names one. */
  domain?: string;
  /** The repository path, e.g. "library/nginx". */
  path: string;
  tag?: string;
  /** "algorithm:hex" */
  digest?: string;
}

/** Splits an image reference into its parts, or says in one phrase why it is not one. */
export function parseImageReference(ref: string): { ok: true; value: ImageReference } | { ok: false; error: string } {
  const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });
  if (ref === '') return fail('it is empty');
  if (/\s/.test(ref)) return fail('it contains white space');

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const colon = digest.indexOf(':');
    const algorithm = colon < 0 ? '' : digest.slice(0, colon);
    const hex = DIGEST_HEX[algorithm];
    if (colon < 0) return fail(`digest "${digest}" needs the form algorithm:hex, e.g. sha256:<64 hex characters>`);
    if (!hex) return fail(`digest algorithm "${algorithm}" is not supported; use sha256, sha384 or sha512`);
    if (!hex.test(digest.slice(colon + 1))) return fail(`digest "${digest}" does not have the right number of lower-case hex characters for ${algorithm}`);
  }

  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) return fail(`tag "${tag}" is not valid (letters, digits, "_", "." and "-", not starting with "." or "-", at most 128)`);
  }

  if (rest === '') return fail('it has no repository name');
  if (rest.length > NAME_MAX) return fail(`the repository name is longer than ${NAME_MAX} characters`);
  const components = rest.split('/');
  let domain: string | undefined;
  const first = components[0] ?? '';
  if (components.length > 1 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase() || first.startsWith('['))) {
    domain = first;
    components.shift();
    if (!DOMAIN.test(domain)) return fail(`registry "${domain}" is not a valid host[:port]`);
  }
  for (const c of components) {
    if (c === '') return fail('the repository path has an empty component ("//", or "/" at an end)');
    if (!PATH_COMPONENT.test(c)) {
      return fail(
        c !== c.toLowerCase()
          ? `repository name component "${c}" must be lower case`
          : `repository name component "${c}" may hold only a-z, 0-9 and single separators (".", "_", "__", "-") between them`,
      );
    }
  }
  const value: ImageReference = { path: components.join('/') };
  if (domain !== undefined) value.domain = domain;
  if (tag !== undefined) value.tag = tag;
  if (digest !== undefined) value.digest = digest;
  return { ok: true, value };
}

/** Whether `ref` is a valid image reference (see {@link parseImageReference}). */
export function isValidImageReference(ref: string): boolean {
  return parseImageReference(ref).ok;
}
