import { ERRORS, type ErrorCode } from './catalogue.js';

export type ErrorParams = Readonly<Record<string, string | number>>;

function fill(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = params[key];
    return v === undefined ? whole : String(v);
  });
}

/** An error a user may see: a catalogue code, one-line message, one-line hint. */
export class PlinthError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  readonly hint: string;
  readonly exitCode: number;
  readonly httpStatus: number;

  constructor(code: ErrorCode, params: ErrorParams = {}, options?: { cause?: unknown }) {
    const spec = ERRORS[code];
    super(fill(spec.message, params), options);
    this.name = 'PlinthError';
    this.code = code;
    this.params = params;
    this.hint = fill(spec.hint, params);
    this.exitCode = spec.exit;
    this.httpStatus = spec.http;
  }

  /** The single line shown to a user: message, then what to do. */
  userLine(): string {
    return `error: ${this.message} (${this.code}); ${this.hint}`;
  }

  toJSON(): { code: ErrorCode; message: string; hint: string; params: ErrorParams } {
    return { code: this.code, message: this.message, hint: this.hint, params: this.params };
  }
}

/** The message of anything thrown: an Error's message, else the value as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Turn anything thrown into a PlinthError, keeping the original as the cause. */
export function asPlinthError(err: unknown): PlinthError {
  if (err instanceof PlinthError) return err;
  const detail = errorMessage(err);
  return new PlinthError('INTERNAL', { detail }, { cause: err });
}
