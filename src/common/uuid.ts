const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID: ids in paths are checked before they reach a query (else 404). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
