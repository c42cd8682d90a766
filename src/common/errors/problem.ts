/** A field-level reason for a rejected request: `field` is a path such as `contacts[0].email`. */
export interface FieldError {
  field: string;
  reason: string;
  /** The rule that failed, stable for clients (`isInt`, `whitelist`, `required` …). */
  rule: string;
}

/** An RFC 9457 problem details object, with this application's extension members. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** Stable machine-readable code; the last segment of `type`. */
  code: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types are relative URIs under /problems/, stable once published. */
export function problemType(code: string): string {
  return `/problems/${code}`;
}
