/**
 * One change to record. `action` is `<entity>.<verb>` in lower case ('fund.create',
 * 'journal.adjustment.post', 'period.close'); `entityId` names the entity as the API does (a
 * fund by its code, a journal entry by its id). `before` and `after` are what a reader needs to
 * see the change: response objects rather than raw rows; money as strings, never floats.
 */
export interface AuditChange {
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** Where a record landed in the chain. */
export interface AuditRecordRef {
  readonly id: string;
  readonly hash: string;
}

/** The verifier's answer: ok, or the first record whose link or content does not hold. */
export interface AuditVerification {
  readonly ok: boolean;
  /** Records examined, the broken one included. */
  readonly checked: number;
  readonly firstBroken?: { readonly id: string; readonly reason: string };
  /**
   * The last record found good. A chain cannot show that records were cut off its end: note
   * this id and hash, and check later that the chain still passes through them.
   */
  readonly lastId?: string;
  readonly lastHash?: string;
}

export interface AuditFilter {
  readonly entityType?: string;
  readonly entityId?: string;
  readonly actor?: string;
  readonly action?: string;
  /** A date (from its first moment, UTC) or an ISO-8601 timestamp, inclusive. */
  readonly from?: string;
  /** A date (to its last moment, UTC) or an ISO-8601 timestamp, inclusive. */
  readonly to?: string;
  readonly limit?: number;
  readonly offset?: number;
}
