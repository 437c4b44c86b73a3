/**
 * The container image reference grammar as one regular expression, for CRD `pattern`s (checked by every API
 * server version, unlike CEL rules, which 1.24 does not enforce). It accepts what src/release/plan/imageref.ts
 * accepts, apart from the 255-character limit on the name: an optional registry host[:port], lower-case path
 * components, an optional tag (upper case allowed) and an optional sha256/sha384/sha512 digest. Written in the
 * common subset of RE2 (Go, the API server) and JavaScript.
 */
const LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${LABEL}(?:\\.${LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = '(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})';

export const IMAGE_REFERENCE_PATTERN = `^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`;
