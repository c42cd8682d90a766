/**
 * What a money-moving service returns: the answer and whether it is a replay of an earlier one.
 * The IdempotencyInterceptor turns it into the HTTP status, body and Idempotent-Replayed header.
 */
export class IdempotentResult<T> {
  constructor(
    readonly status: number,
    readonly body: T,
    readonly replayed: boolean,
  ) {}
}
