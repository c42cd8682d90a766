import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/** The parts of an OpenAPI 3 schema object the fuzzer reads. */
export interface JsonSchema {
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  example?: unknown;
  minimum?: number;
  maximum?: number;
}

interface OpenApiParameter {
  name: string;
  in: string;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** One write operation of the API, its body schema resolved ($ref and allOf inlined). */
export interface WriteOperation {
  method: 'post' | 'put' | 'patch';
  /** As documented: `/api/v1/pledges/{id}/agreement`. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  idempotent: boolean;
  /** Undefined for an operation without a body. */
  body?: JsonSchema;
}

const WRITE_METHODS = ['post', 'put', 'patch'] as const;

export function resolveSchema(doc: OpenApiDocument, schema: JsonSchema, depth = 0): JsonSchema {
  if (depth > 8) return {};
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (target === undefined) throw new Error(`unresolved ${schema.$ref}`);
    return resolveSchema(doc, target, depth + 1);
  }
  if (schema.allOf !== undefined && schema.allOf.length === 1) {
    return resolveSchema(doc, schema.allOf[0], depth + 1);
  }
  const resolved: JsonSchema = { ...schema };
  if (schema.properties !== undefined) {
    resolved.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, value]) => [
        key,
        resolveSchema(doc, value, depth + 1),
      ]),
    );
  }
  if (schema.items !== undefined) resolved.items = resolveSchema(doc, schema.items, depth + 1);
  return resolved;
}

/** Every POST, PUT and PATCH of the document. */
export function writeOperations(doc: OpenApiDocument): WriteOperation[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    WRITE_METHODS.filter((method) => operations[method] !== undefined).map((method) => {
      const operation = operations[method];
      const parameters = operation.parameters ?? [];
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      return {
        method,
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        idempotent: parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
        body: schema === undefined ? undefined : resolveSchema(doc, schema),
      };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Hostile values

const LONG = 100_000;

/** Strings that are empty, huge, odd in Unicode, or shaped to break a parser or a query. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\t\n\r',
    '\u0000',
    'a\u0000b',
    '\u202Eevil\u202C',
    '\u200F\u0627\u0644\u0639\u0631\u0628\u064A\u0629',
    '\uFEFF',
    '\uD800',
    '😀'.repeat(50),
    'ℌ𝔢𝔩𝔩𝔬',
    "'; DROP TABLE donor; --",
    "' OR '1'='1",
    '"; SELECT pg_sleep(10); --',
    '%s%s%n',
    '../../../../etc/passwd',
    '<script>alert(1)</script>',
    '{{constructor.constructor("return process")()}}',
    '__proto__',
    'constructor',
    'null',
    'undefined',
    'true',
    'NaN',
    'Infinity',
    '-Infinity',
  ),
  fc.constantFrom('x'.repeat(LONG), 'é'.repeat(LONG / 2), '9'.repeat(LONG), ' '.repeat(1000) + 'x'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** Amounts: zero in its forms, sub-minor, int64 bounds, 40 digits, locale and notation tricks. */
export const hostileAmount: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '0',
    '0.00',
    '-0',
    '-0.00',
    '0.001',
    '0.005',
    '-1.00',
    '-100',
    '1e3',
    '1E308',
    '1e-300',
    'NaN',
    'Infinity',
    '0x10',
    '+100',
    ' 100 ',
    '1,000,000.00',
    '1.000,00',
    '1,,000',
    '.5',
    '5.',
    '１００',
    '٣',
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775808',
    '-9223372036854775809',
    '92233720368547758.07',
    '92233720368547758.08',
    '-92233720368547758.09',
    '9007199254740993',
    '1'.repeat(40),
    `${'9'.repeat(38)}.99`,
    `0.${'0'.repeat(38)}1`,
  ),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => {
    const s = (n < 0n ? -n : n).toString().padStart(3, '0');
    return `${n < 0n ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
  }),
);

/** Calendar dates that do not exist, are out of range, or are written the wrong way. */
export const hostileDate: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '0000-00-00',
    '0000-01-01',
    '0001-01-01',
    '1899-12-31',
    '2026-02-29',
    '2026-02-30',
    '2024-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-1-1',
    '26-01-01',
    '2026/01/01',
    '01.01.2026',
    '2026-01-01T00:00:00Z',
    '2026-01-01 ',
    '-2026-01-01',
    '+2026-01-01',
    '9999-12-31',
    '10000-01-01',
    '275760-09-13',
    '2026-W01',
    '2026-01',
    '2026-10',
    '2026-13',
    '0000-00',
  ),
  fc
    .record({
      year: fc.integer({ min: 0, max: 10000 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
    })
    .map(
      ({ year, month, day }) =>
        `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    ),
);

/** Ids: unknown uuids, the nil uuid, near-uuids and things that are not ids at all. */
export const hostileId: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.constantFrom(
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '{0b9c2f4e-7a1d-4c3b-9e8f-1a2b3c4d5e6f}',
    '0b9c2f4e7a1d4c3b9e8f1a2b3c4d5e6f',
    '0B9C2F4E-7A1D-4C3B-9E8F-1A2B3C4D5E6F',
    '0b9c2f4e-7a1d-4c3b-9e8f-1a2b3c4d5e6',
    'not-a-uuid',
    '1',
    '-1',
    '0',
    '9223372036854775808',
  ),
  hostileString,
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    1e308,
    -1e308,
    5e-324,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 63,
    -(2 ** 63),
    2 ** 31,
    2 ** 15,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Deeply nested arrays and objects (parsers and validators that recurse). */
function nested(depth: number, leaf: unknown = 1): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/** Any JSON value that is wrong where it stands: wrong type, null, huge, nested, odd. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 3 },
  { arbitrary: hostileAmount, weight: 2 },
  { arbitrary: hostileDate, weight: 2 },
  { arbitrary: hostileId, weight: 1 },
  { arbitrary: hostileNumber, weight: 2 },
  {
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      [],
      {},
      [null],
      [[[]]],
      { __proto__: null, polluted: true },
      JSON.parse('{"__proto__":{"polluted":true}}'),
      { constructor: { prototype: { polluted: true } } },
      nested(50),
      nested(2000),
      Array.from({ length: 10_000 }, () => 'x'),
      Array.from({ length: 2_000 }, (_v, i) => ({ i })),
    ),
    weight: 3,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// Plausible values, so that a hostile value in one field is reached past the others

/** Real records of the database, by kind, for ids in bodies and paths. */
export type RealIds = Record<string, string[]>;

/** The kind of record a body field names, by its name. */
const FIELD_KINDS: Record<string, string> = {
  donorId: 'donor',
  donorIds: 'donor',
  pledgeId: 'pledge',
  receiptId: 'receipt',
  receiptIds: 'receipt',
  eventId: 'grant_event',
  participantId: 'participant',
  lineIds: 'bank_statement_line',
  bankAccountId: 'bank_account',
};

const DATE_FIELD = /date|On$|^from$|^to$|^valid(From|To)$|^effectiveFrom$|^date$/i;
const AMOUNT_FIELD = /amount|ticket|allowance|cost|total|charges|debit|credit|rate|unitsPerUsd/i;

function plausibleDate(): fc.Arbitrary<string> {
  return fc
    .record({
      year: fc.integer({ min: 2024, max: 2026 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
    })
    .map(
      ({ year, month, day }) =>
        `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    );
}

function plausibleString(name: string, schema: JsonSchema, ids: RealIds): fc.Arbitrary<unknown> {
  const kind = FIELD_KINDS[name];
  if (kind !== undefined && (ids[kind]?.length ?? 0) > 0) return fc.constantFrom(...ids[kind]);
  if (name === 'fund') return fc.constant('WSIS-TF');
  if (name === 'bankAccount') return fc.constantFrom('UBS-CHF', 'UBS-USD');
  if (name === 'currency' || name === 'functionalCurrency' || name === 'statementCurrency') {
    return fc.constantFrom('CHF', 'USD', 'EUR');
  }
  if (name === 'country') return fc.constantFrom('CH', 'NP', 'SN');
  if (name === 'period') return fc.constantFrom('2026-01', '2026-03');
  if (DATE_FIELD.test(name)) return plausibleDate();
  if (AMOUNT_FIELD.test(name)) return fc.constantFrom('100.00', '1,000.00', '0.07', '1');
  if (typeof schema.example === 'string') return fc.constant(schema.example);
  return fc.constantFrom('Fuzz text', 'FUZZ-1');
}

/** A value of the right shape for the field (which may still be refused by a business rule). */
export function plausibleValue(
  name: string,
  schema: JsonSchema,
  ids: RealIds,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (schema.properties !== undefined || schema.type === 'object') {
    if (schema.properties === undefined || depth > 3) return fc.constant(null);
    return plausibleObject(schema, ids, depth + 1);
  }
  switch (schema.type) {
    case 'array':
      return fc.array(plausibleValue(name, schema.items ?? {}, ids, depth + 1), {
        minLength: 1,
        maxLength: 3,
      });
    case 'boolean':
      return fc.boolean();
    case 'number':
    case 'integer':
      return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 5, 5) });
    default:
      return plausibleString(name, schema, ids);
  }
}

function plausibleObject(
  schema: JsonSchema,
  ids: RealIds,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const record = Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [key, plausibleValue(key, value, ids, depth)]),
  );
  const required = (schema.required ?? []).filter((key) => key in properties);
  return fc.record(record, { requiredKeys: required });
}

/** The hostile values that fit a field's name best, mixed with any hostile value. */
function hostileFor(name: string): fc.Arbitrary<unknown> {
  if (DATE_FIELD.test(name)) return fc.oneof(hostileDate, hostileJson);
  if (AMOUNT_FIELD.test(name)) return fc.oneof(hostileAmount, hostileJson);
  if (/Ids?$/.test(name) || name === 'id') return fc.oneof(hostileId, hostileJson);
  return hostileJson;
}

/** A JSON object of the schema with some fields, at any depth, replaced by hostile values. */
function mutatedObject(schema: JsonSchema, ids: RealIds): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema.properties ?? {});
  const base = plausibleObject(schema, ids, 0);
  const extraKeys = fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'id',
    'createdBy',
    'status',
    'x'.repeat(10_000),
  );
  const target = keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), extraKeys) : extraKeys;
  return fc
    .tuple(base, fc.array(target, { minLength: 1, maxLength: 3 }), fc.nat())
    .chain(([object, fields, seed]) =>
      fc.tuple(...fields.map((field) => hostileFor(field))).map((values) => {
        const copy: Record<string, unknown> = { ...object };
        fields.forEach((field, i) => {
          const nestedSchema = schema.properties?.[field];
          const nestedItem = nestedSchema?.items?.properties !== undefined;
          // Half the time, reach one level down: a hostile value inside an item of a list.
          if (nestedItem && seed % 2 === 0 && Array.isArray(copy[field])) {
            const items = copy[field] as Record<string, unknown>[];
            const itemKeys = Object.keys(nestedSchema.items!.properties!);
            const key = itemKeys[seed % itemKeys.length];
            copy[field] = items.map((item, j) =>
              j === 0 && typeof item === 'object' && item !== null
                ? { ...item, [key]: values[i] }
                : item,
            );
          } else {
            Object.defineProperty(copy, field, {
              value: values[i],
              enumerable: true,
              writable: true,
              configurable: true,
            });
          }
        });
        return copy;
      }),
    );
}

/** A request body: JSON to serialise, or raw bytes with a content type. */
export type FuzzBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; contentType: string; text: string };

const rawBodies: fc.Arbitrary<FuzzBody> = fc.oneof(
  fc.constantFrom<FuzzBody>(
    { kind: 'raw', contentType: 'application/json', text: '' },
    { kind: 'raw', contentType: 'application/json', text: '{' },
    { kind: 'raw', contentType: 'application/json', text: '{"a":1,}' },
    { kind: 'raw', contentType: 'application/json', text: "{'a':1}" },
    { kind: 'raw', contentType: 'application/json', text: 'null' },
    { kind: 'raw', contentType: 'application/json', text: '"just a string"' },
    { kind: 'raw', contentType: 'application/json', text: '12' },
    { kind: 'raw', contentType: 'application/json', text: '[]' },
    { kind: 'raw', contentType: 'application/json', text: 'NaN' },
    { kind: 'raw', contentType: 'application/json', text: '{"amount": NaN}' },
    { kind: 'raw', contentType: 'application/json', text: '{"amount": 1e999}' },
    { kind: 'raw', contentType: 'application/json', text: '\uFEFF{}' },
    { kind: 'raw', contentType: 'application/json', text: '{"__proto__": {"polluted": true}}' },
    {
      kind: 'raw',
      contentType: 'application/json',
      text: '{"constructor": {"prototype": {"polluted": true}}}',
    },
    { kind: 'raw', contentType: 'application/json', text: '{"a": "\\ud800"}' },
    { kind: 'raw', contentType: 'application/json', text: '{"a":1,"a":2}' },
    { kind: 'raw', contentType: 'application/json', text: '['.repeat(100_000) },
    {
      kind: 'raw',
      contentType: 'application/json',
      text: `${'['.repeat(5000)}${']'.repeat(5000)}`,
    },
    {
      kind: 'raw',
      contentType: 'application/json',
      text: `{"x":"${'a'.repeat(1_200_000)}"}`,
    },
    { kind: 'raw', contentType: 'application/json; charset=utf-16', text: '{}' },
    { kind: 'raw', contentType: 'application/json; charset=klingon', text: '{}' },
    { kind: 'raw', contentType: 'text/plain', text: '{"a":1}' },
    { kind: 'raw', contentType: 'application/xml', text: '<a>1</a>' },
    { kind: 'raw', contentType: 'application/x-www-form-urlencoded', text: 'a=1&b[c]=2' },
    {
      kind: 'raw',
      contentType: 'application/x-www-form-urlencoded',
      text: '__proto__[polluted]=1',
    },
    { kind: 'raw', contentType: 'multipart/form-data; boundary=x', text: '--x--' },
    { kind: 'raw', contentType: 'application/merge-patch+json', text: '{"a":' },
  ),
  fc.string({ unit: 'binary', maxLength: 60 }).map<FuzzBody>((text) => ({
    kind: 'raw',
    contentType: 'application/json',
    text,
  })),
);

/** Bodies for an operation: mostly its schema with hostile fields, else wholly wrong. */
export function bodyArbitrary(operation: WriteOperation, ids: RealIds): fc.Arbitrary<FuzzBody> {
  const schema = operation.body;
  const whole = hostileJson.map<FuzzBody>((value) => ({ kind: 'json', value }));
  if (schema === undefined || schema.properties === undefined) {
    return fc.oneof(
      { arbitrary: fc.constant<FuzzBody>({ kind: 'none' }), weight: 1 },
      { arbitrary: whole, weight: 2 },
      { arbitrary: rawBodies, weight: 2 },
    );
  }
  return fc.oneof(
    {
      arbitrary: mutatedObject(schema, ids).map<FuzzBody>((value) => ({ kind: 'json', value })),
      weight: 10,
    },
    {
      arbitrary: plausibleObject(schema, ids, 0).map<FuzzBody>((value) => ({
        kind: 'json',
        value,
      })),
      weight: 1,
    },
    {
      arbitrary: plausibleObject(schema, ids, 0).map<FuzzBody>((value) => ({
        kind: 'json',
        value: [value],
      })),
      weight: 1,
    },
    { arbitrary: whole, weight: 2 },
    { arbitrary: rawBodies, weight: 2 },
    { arbitrary: fc.constant<FuzzBody>({ kind: 'none' }), weight: 1 },
  );
}

/** A path segment: a real record (most often), an unknown id, or garbage. */
export function pathParamArbitrary(real: string[]): fc.Arbitrary<string> {
  const garbage = fc.oneof(
    hostileId,
    fc.constantFrom(
      'x'.repeat(5000),
      '%00',
      '%FF',
      '%E0%A4%A',
      '%2e%2e',
      '..',
      '%2F',
      ' ',
      '%20',
      'null',
      '-1',
      '2026-13',
      '0000-00',
    ),
  );
  return real.length > 0
    ? fc.oneof(
        { arbitrary: fc.constantFrom(...real), weight: 3 },
        { arbitrary: garbage, weight: 2 },
      )
    : garbage;
}

/** Idempotency-Key header values: a fresh key most often, else absent or malformed. */
export const idempotencyKeyArbitrary: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined).map(() => randomUUID()), weight: 6 },
  { arbitrary: fc.constant(undefined), weight: 1 },
  {
    arbitrary: fc.constantFrom('', ' ', 'x'.repeat(5000), 'a b', '../..', '%00', 'key\tkey'),
    weight: 2,
  },
);

/** Encodes a path segment as a client would, except for the deliberate %-sequences. */
export function encodeSegment(segment: string): string {
  return /^(%[0-9A-Fa-f]{0,2}|%2e%2e|%20|%2F)$/.test(segment) || segment.startsWith('%E0')
    ? segment
    : [...segment].map(encodeCharacter).join('');
}

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) is sent as the three bytes
 * a careless client would write for it (`%ED%A0%80` for U+D800): not UTF-8, for the server to refuse.
 */
function encodeCharacter(char: string): string {
  const unit = char.charCodeAt(0);
  if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
    return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
      .map((byte) => `%${byte.toString(16).toUpperCase()}`)
      .join('');
  }
  return encodeURIComponent(char);
}

// ---------------------------------------------------------------------------------------------
// What "unchanged" means

/**
 * Tables whose row count may change on a request that is refused: none so far. A refused request
 * runs in a transaction that is rolled back, audit included; sessions and sign-in throttling are
 * only written by the sign-in pages, which are not API routes.
 */
export const VOLATILE_TABLES: readonly string[] = [];

export interface DatabaseSnapshot {
  counts: Record<string, number>;
  /** Per fund, account and currency: sum of amounts and of functional amounts (minor units). */
  trialBalance: Record<string, string>;
}

/** The exact row count of every table, and the trial balance per fund, account and currency. */
export async function databaseSnapshot(
  dataSource: DataSource,
  tables: readonly string[],
): Promise<DatabaseSnapshot> {
  const rows = await dataSource.query<{ name: string; n: number }[]>(
    tables
      .map((table) => `SELECT '${table}' AS name, count(*)::int AS n FROM "${table}"`)
      .join(' UNION ALL '),
  );
  const lines = await dataSource.query<{ key: string; sums: string }[]>(
    `SELECT fund_id || ' ' || account_id || ' ' || currency AS key,
            sum(amount_minor)::text || ' ' || sum(functional_minor)::text AS sums
       FROM journal_line GROUP BY fund_id, account_id, currency`,
  );
  return {
    counts: Object.fromEntries(rows.map((row) => [row.name, row.n])),
    trialBalance: Object.fromEntries(lines.map((line) => [line.key, line.sums])),
  };
}

export async function publicTables(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name).filter((name) => !VOLATILE_TABLES.includes(name));
}
