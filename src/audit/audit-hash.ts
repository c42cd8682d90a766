import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json';

/** A value as JSON can carry it: what jsonb stores and what `pg` gives back. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Everything an audit record stores except its id and its own hash, named as the columns are.
 * This is what the hash covers; changing it changes every hash, so it is fixed once published.
 */
export interface AuditContent {
  /** ISO-8601 UTC with milliseconds, e.g. 2026-03-31T14:05:09.123Z. */
  readonly at: string;
  readonly actor: string;
  readonly actor_user_id: string | null;
  readonly action: string;
  readonly entity_type: string;
  readonly entity_id: string;
  readonly before: JsonValue;
  readonly after: JsonValue;
  readonly request_id: string | null;
  readonly client_address: string | null;
  /** The hash of the record before this one; null only for the first record. */
  readonly prev_hash: string | null;
}

/**
 * hash = hex(SHA-256(prev_hash + "\n" + canonical JSON of the content)), prev_hash "" for the
 * first record. Canonical JSON (sorted keys, no whitespace) is what makes the hash computable
 * again from what jsonb gives back, which keeps neither key order nor spacing.
 */
export function auditHash(content: AuditContent): string {
  return createHash('sha256')
    .update(`${content.prev_hash ?? ''}\n${canonicalJson(content)}`)
    .digest('hex');
}

/**
 * The canonical JSON of `content` in two parts, before and after the value of "prev_hash", for
 * the database to hash once it knows the last hash (audit_append, migration AuditAppend): the
 * hashed text is prev_hash + "\n" + before + (prev_hash as a JSON string, or null) + after.
 */
export function canonicalAroundPrevHash(
  content: Omit<AuditContent, 'prev_hash'>,
): [before: string, after: string] {
  // A value nobody can have put in the content, so that it marks the one place to cut.
  const token = randomBytes(16).toString('hex');
  const key = '"prev_hash":';
  const text = canonicalJson({ ...content, prev_hash: token });
  const at = text.indexOf(`${key}"${token}"`);
  return [text.slice(0, at + key.length), text.slice(at + key.length + token.length + 2)];
}

/**
 * `value` as plain JSON, exactly as it will come back from jsonb: dates and Money through their
 * toJSON, bigint as a decimal string (a bigint has no JSON form, and a number would lose digits),
 * undefined as null.
 */
export function toJsonValue(value: unknown): JsonValue {
  const text = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

/**
 * The stored `at` as the hash saw it. The database gives microseconds; a value written by the
 * application has none, so anything else is kept in full and will not match its hash.
 */
export function auditTimestamp(microseconds: string): string {
  const match = /^(.*\.\d{3})(\d{3})$/.exec(microseconds);
  if (match === null) return `${microseconds}Z`;
  return match[2] === '000' ? `${match[1]}Z` : `${microseconds}Z`;
}
