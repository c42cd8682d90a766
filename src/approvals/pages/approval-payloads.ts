import { isUuid } from '../../common/uuid';
import { Money } from '../../money/money';
import { formatAmount, hasUiText, uiText } from '../../web/ui-i18n';
import {
  BankLineRef,
  EntryRef,
  GrantRef,
  PledgeRef,
  ReceiptRef,
} from './approvals-page.repository';

/*
 * What an approval request will do, told in words for the approver: each kind the application
 * registers has its own description (the things it names, linked, the amounts in the reader's
 * language); a kind without one is shown as labelled fields, never as raw JSON.
 */

/** A piece of a value: text, linked when it names something that has a page. */
export interface ValuePart {
  text: string;
  href: string | null;
}

export interface PayloadField {
  label: string;
  parts: ValuePart[];
}

export interface PayloadCell {
  parts: ValuePart[];
  numeric: boolean;
}

export interface PayloadTable {
  caption: string;
  columns: Array<{ label: string; numeric: boolean }>;
  rows: Array<{ cells: PayloadCell[] }>;
}

export interface PayloadView {
  fields: PayloadField[];
  tables: PayloadTable[];
}

/** The things the payloads name, read once for the whole page. */
export interface References {
  pledges: ReadonlyMap<string, PledgeRef>;
  receipts: ReadonlyMap<string, ReceiptRef>;
  grants: ReadonlyMap<string, GrantRef>;
  bankLines: ReadonlyMap<string, BankLineRef>;
  entries: ReadonlyMap<string, EntryRef>;
  /** Donor id → name. */
  donors: ReadonlyMap<string, string>;
  /** Bank account id → code. */
  bankAccounts: ReadonlyMap<string, string>;
  /** `FUND/code` → account name. */
  accounts: ReadonlyMap<string, string>;
  /** `FUND/code` → earmark name. */
  earmarks: ReadonlyMap<string, string>;
}

export const NO_REFERENCES: References = {
  pledges: new Map(),
  receipts: new Map(),
  grants: new Map(),
  bankLines: new Map(),
  entries: new Map(),
  donors: new Map(),
  bankAccounts: new Map(),
  accounts: new Map(),
  earmarks: new Map(),
};

type IdKind =
  'pledges' | 'receipts' | 'grants' | 'bankLines' | 'entries' | 'donors' | 'bankAccounts';

export type ReferenceIds = Record<IdKind | 'funds', Set<string>>;

/** Payload keys that hold ids of things, whatever the kind (the modules name them alike). */
const ID_KEYS: Readonly<Record<string, IdKind>> = {
  pledgeId: 'pledges',
  pledgeIds: 'pledges',
  receiptId: 'receipts',
  receiptIds: 'receipts',
  grantId: 'grants',
  lineId: 'bankLines',
  lineIds: 'bankLines',
  entryId: 'entries',
  donorId: 'donors',
  bankAccountId: 'bankAccounts',
};

/** Every id (and fund code) the payloads refer to, by what it is. */
export function referencedIds(payloads: readonly unknown[]): ReferenceIds {
  const ids: ReferenceIds = {
    pledges: new Set(),
    receipts: new Set(),
    grants: new Set(),
    bankLines: new Set(),
    entries: new Set(),
    donors: new Set(),
    bankAccounts: new Set(),
    funds: new Set(),
  };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const kind = ID_KEYS[key];
      if (kind !== undefined) {
        for (const id of Array.isArray(value) ? value : [value]) {
          if (isUuid(id)) ids[kind].add(id.toLowerCase());
        }
      } else if (key === 'fund' && typeof value === 'string') {
        ids.funds.add(value);
      } else {
        walk(value);
      }
    }
  };
  payloads.forEach(walk);
  return ids;
}

type Payload = Record<string, unknown>;
type Describe = (payload: Payload, refs: References) => PayloadView;

/** The description of each kind registered by the modules (grep `approvals.register`). */
const DESCRIPTIONS: Readonly<Record<string, Describe>> = {
  'pledge.write-off': pledgeEnding,
  'pledge.cancel': pledgeEnding,
  'receipt.refund': receiptRefund,
  'receipt.reversal': receiptReversal,
  'grant.approve': grantApproval,
  'grant.overspend': grantOverspend,
  'bank-match.override': bankMatch,
  'period.reopen': periodReopen,
  'journal.adjustment': journalAdjustment,
  'journal.reversal': journalReversal,
};

/** The kinds with a description of their own. */
export const DESCRIBED_KINDS: readonly string[] = Object.keys(DESCRIPTIONS);

/** A kind in words ("Pledge write-off"), or its code when the catalogue has no label for it. */
export function kindLabel(kind: string): string {
  const key = `approvals.kind.${kind}`;
  return hasUiText(key) ? uiText(key) : kind;
}

/** What a request will do, as labelled fields (and tables for lists such as entry lines). */
export function describePayload(kind: string, payload: unknown, refs: References): PayloadView {
  const describe = DESCRIPTIONS[kind];
  if (describe !== undefined && isRecord(payload)) return describe(payload, refs);
  return genericView(payload, refs);
}

// ---- the kinds -------------------------------------------------------------------------------

function pledgeEnding(payload: Payload, refs: References): PayloadView {
  const id = idOf(payload, 'pledgeId');
  const pledge = id === null ? undefined : refs.pledges.get(id);
  return view([
    field('pledge', named('pledges', id, refs)),
    pledge && field('donor', [link(pledge.donor_name, `/donors/${pledge.donor_id}`)]),
    pledge && field('pledgeAmount', money(pledge.amount_minor, pledge.currency)),
    pledge &&
      field(
        'outstanding',
        pledge.receivable_minor === null
          ? uiText('approvals.value.nothingBooked')
          : money(pledge.receivable_minor, pledge.currency),
      ),
    field('accountingDate', textOf(payload, 'date')),
    field('reason', textOf(payload, 'reason')),
  ]);
}

function receiptRefund(payload: Payload, refs: References): PayloadView {
  const receipt = receiptOf(payload, refs);
  return view([
    field('receipt', named('receipts', idOf(payload, 'receiptId'), refs)),
    ...receiptFields(receipt),
    field('refundAmount', typedMoney(textOf(payload, 'amount'), receipt?.currency)),
    field('refundDate', textOf(payload, 'date')),
    field('reason', textOf(payload, 'reason')),
  ]);
}

function receiptReversal(payload: Payload, refs: References): PayloadView {
  const receipt = receiptOf(payload, refs);
  return view([
    field('receipt', named('receipts', idOf(payload, 'receiptId'), refs)),
    ...receiptFields(receipt),
    receipt && field('valueDate', receipt.value_date),
    field('reversalDate', textOf(payload, 'date')),
    field('reason', textOf(payload, 'reason')),
  ]);
}

function grantApproval(payload: Payload, refs: References): PayloadView {
  const id = idOf(payload, 'grantId');
  const grant = id === null ? undefined : refs.grants.get(id);
  return view([
    ...grantFields(id, grant, refs),
    grant && field('grantKind', grantKindLabel(grant.kind)),
    grant && field('grantAmount', money(grant.amount_minor, grant.currency)),
    grant && field('exceptionReason', grant.exception_reason),
  ]);
}

function grantOverspend(payload: Payload, refs: References): PayloadView {
  const id = idOf(payload, 'grantId');
  const grant = id === null ? undefined : refs.grants.get(id);
  const bank = textOf(payload, 'bankAccount');
  return view([
    ...grantFields(id, grant, refs),
    grant && field('grantAmount', money(grant.amount_minor, grant.currency)),
    field('actualCost', typedMoney(textOf(payload, 'actualCost'), grant?.currency)),
    field('settlementDate', textOf(payload, 'date')),
    field(
      'payment',
      bank === null
        ? uiText('approvals.value.owed')
        : uiText('approvals.value.paidFrom', { code: bank }),
    ),
    field('reason', textOf(payload, 'reason')),
  ]);
}

function bankMatch(payload: Payload, refs: References): PayloadView {
  const lineIds = listOf(payload, 'lineIds');
  const receiptIds = listOf(payload, 'receiptIds');
  const amounts = listOf(payload, 'amounts');
  const mode = textOf(payload, 'mode');
  const rows = lineIds.map((lineId, index) => {
    const line = refs.bankLines.get(lineId.toLowerCase());
    const receiptId = receiptIds[index] ?? null;
    const receipt = receiptId === null ? undefined : refs.receipts.get(receiptId.toLowerCase());
    const currency = line?.currency ?? receipt?.currency;
    const minor = amounts[index];
    return {
      cells: [
        cell(
          line === undefined
            ? [plain(lineId)]
            : [
                plain(
                  [
                    line.booking_date,
                    line.bank_account,
                    money(line.amount_minor, line.currency),
                    line.counterparty_name,
                  ]
                    .filter((part) => part !== null && part !== '')
                    .join(', '),
                ),
              ],
        ),
        cell(
          receipt === undefined
            ? named('receipts', receiptId, refs)
            : [
                link(
                  receipt.donor_name === null
                    ? receipt.number
                    : `${receipt.number} (${receipt.donor_name})`,
                  `/receipts/${receipt.id}`,
                ),
              ],
        ),
        cell(
          minor === undefined
            ? []
            : [
                plain(
                  currency !== undefined && /^-?\d+$/.test(minor) ? money(minor, currency) : minor,
                ),
              ],
          true,
        ),
      ],
    };
  });
  return {
    fields: compact([
      field(
        'mode',
        mode !== null && hasUiText(`approvals.matchMode.${mode}`)
          ? uiText(`approvals.matchMode.${mode}`)
          : mode,
      ),
      field('reason', textOf(payload, 'reason')),
    ]),
    tables: [
      {
        caption: uiText('approvals.table.matches'),
        columns: [
          { label: uiText('approvals.table.bankLine'), numeric: false },
          { label: uiText('approvals.table.receipt'), numeric: false },
          { label: uiText('approvals.table.amount'), numeric: true },
        ],
        rows,
      },
    ],
  };
}

function periodReopen(payload: Payload): PayloadView {
  return view([
    field('fund', textOf(payload, 'fund')),
    field('period', textOf(payload, 'period')),
    field('reason', textOf(payload, 'reason')),
  ]);
}

function journalAdjustment(payload: Payload, refs: References): PayloadView {
  const fund = textOf(payload, 'fund');
  const entry = isRecord(payload.entry) ? payload.entry : {};
  const lines = Array.isArray(entry.lines) ? entry.lines.filter(isRecord) : [];
  const rows = lines.map((line) => {
    const currency = textOf(line, 'currency');
    const account = textOf(line, 'account');
    const accountName = account === null ? undefined : refs.accounts.get(`${fund}/${account}`);
    const earmark = textOf(line, 'earmark');
    const earmarkName = earmark === null ? undefined : refs.earmarks.get(`${fund}/${earmark}`);
    const bankAccount = idOf(line, 'bankAccountId');
    const dimensions: ValuePart[] = [
      ...(idOf(line, 'donorId') === null ? [] : named('donors', idOf(line, 'donorId'), refs)),
      ...(earmark === null ? [] : [plain(withName(earmark, earmarkName))]),
      ...(bankAccount === null ? [] : named('bankAccounts', bankAccount, refs)),
      ...(idOf(line, 'pledgeId') === null ? [] : named('pledges', idOf(line, 'pledgeId'), refs)),
    ];
    const side = (key: string): PayloadCell =>
      cell(
        textOf(line, key) === null ? [] : [plain(typedMoney(textOf(line, key), currency) ?? '')],
        true,
      );
    return {
      cells: [
        cell(
          account === null
            ? []
            : [plain(accountName === undefined ? account : `${account} ${accountName}`)],
        ),
        cell(dimensions),
        side('debit'),
        side('credit'),
      ],
    };
  });
  return {
    fields: compact([
      field('fund', fund),
      field('entryDate', textOf(entry, 'date')),
      field('description', textOf(entry, 'description')),
    ]),
    tables: [
      {
        caption: uiText('approvals.table.lines'),
        columns: [
          { label: uiText('approvals.table.account'), numeric: false },
          { label: uiText('approvals.table.dimensions'), numeric: false },
          { label: uiText('approvals.table.debit'), numeric: true },
          { label: uiText('approvals.table.credit'), numeric: true },
        ],
        rows,
      },
    ],
  };
}

function journalReversal(payload: Payload, refs: References): PayloadView {
  const id = idOf(payload, 'entryId');
  const entry = id === null ? undefined : refs.entries.get(id);
  const reversal = isRecord(payload.reversal) ? payload.reversal : {};
  return view([
    field('entry', entry === undefined ? id : `${entry.number} — ${entry.description}`),
    entry && field('fund', entry.fund_code),
    entry && field('entryDate', entry.entry_date),
    field('reversalDate', textOf(reversal, 'date') ?? uiText('approvals.value.sameDate')),
    field('reason', textOf(reversal, 'reason')),
  ]);
}

// ---- a kind without a description of its own ------------------------------------------------

/** Every value of the payload under its key in words, the things it names named and linked. */
export function genericView(payload: unknown, refs: References): PayloadView {
  const fields: PayloadField[] = [];
  const walk = (node: Payload, labels: string[]): void => {
    const currency = textOf(node, 'currency');
    for (const [key, value] of Object.entries(node)) {
      if (value === null || value === undefined) continue;
      const idKind = ID_KEYS[key];
      if (idKind !== undefined && (typeof value === 'string' || Array.isArray(value))) {
        const ids = (Array.isArray(value) ? value : [value]).map(String);
        fields.push({
          label: [...labels, keyWords(key.replace(/Ids?$/, key.endsWith('s') ? 's' : ''))].join(
            ' › ',
          ),
          parts: ids.flatMap((id) => named(idKind, id, refs)),
        });
      } else if (Array.isArray(value)) {
        if (value.every((item) => !isRecord(item) && !Array.isArray(item))) {
          fields.push({
            label: [...labels, keyWords(key)].join(' › '),
            parts: value.map((item) => plain(scalar(item))),
          });
        } else {
          value.forEach((item, index) => {
            const itemLabels = [...labels, `${keyWords(key)} ${index + 1}`];
            if (isRecord(item)) walk(item, itemLabels);
            else fields.push({ label: itemLabels.join(' › '), parts: [plain(scalar(item))] });
          });
        }
      } else if (isRecord(value)) {
        walk(value, [...labels, keyWords(key)]);
      } else {
        const text =
          typeof value === 'string' && currency !== null && /amount|debit|credit|cost/i.test(key)
            ? (typedMoney(value, currency) ?? value)
            : scalar(value);
        fields.push({ label: [...labels, keyWords(key)].join(' › '), parts: [plain(text)] });
      }
    }
  };
  if (isRecord(payload)) walk(payload, []);
  else if (payload !== null && payload !== undefined) {
    fields.push({ label: uiText('approvals.field.value'), parts: [plain(scalar(payload))] });
  }
  return { fields, tables: [] };
}

/** `actualCost` → "Actual cost", `bank_account` → "Bank account". */
export function keyWords(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// ---- helpers ---------------------------------------------------------------------------------

function isRecord(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(node: Payload, key: string): string | null {
  const value = node[key];
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function idOf(node: Payload, key: string): string | null {
  const value = node[key];
  return typeof value === 'string' ? value.toLowerCase() : null;
}

function listOf(node: Payload, key: string): string[] {
  const value = node[key];
  return Array.isArray(value) ? value.map(String) : [];
}

function scalar(value: unknown): string {
  if (typeof value === 'boolean')
    return uiText(value ? 'approvals.value.yes' : 'approvals.value.no');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const plain = (text: string): ValuePart => ({ text, href: null });
const link = (text: string, href: string): ValuePart => ({ text, href });
const cell = (parts: ValuePart[], numeric = false): PayloadCell => ({ parts, numeric });

function field(
  labelKey: string,
  value: ValuePart[] | string | null | undefined,
): PayloadField | null {
  if (value === null || value === undefined) return null;
  const parts = typeof value === 'string' ? [plain(value)] : value;
  return parts.length === 0 ? null : { label: uiText(`approvals.field.${labelKey}`), parts };
}

function compact(fields: Array<PayloadField | null | undefined | ''>): PayloadField[] {
  return fields.filter((f): f is PayloadField => typeof f === 'object' && f !== null);
}

function view(fields: Array<PayloadField | null | undefined | ''>): PayloadView {
  return { fields: compact(fields), tables: [] };
}

/** A stored count of minor units, in the reader's language. */
function money(minor: string, currency: string): string {
  return formatAmount(Money.fromMinor(minor, currency).toJSON());
}

/** An amount as the maker typed it ("1,000.00"), in the reader's language when it reads. */
function typedMoney(amount: string | null, currency: string | null | undefined): string | null {
  if (amount === null) return null;
  if (currency === null || currency === undefined) return amount;
  try {
    return formatAmount(Money.parse(amount, currency).toJSON());
  } catch {
    return `${currency} ${amount}`;
  }
}

/** A thing by its name, linked to its page; its id when it is not (or no longer) known. */
function named(kind: IdKind, id: string | null, refs: References): ValuePart[] {
  if (id === null) return [];
  const key = id.toLowerCase();
  switch (kind) {
    case 'pledges': {
      const pledge = refs.pledges.get(key);
      return [pledge === undefined ? plain(id) : link(pledge.reference, `/pledges/${pledge.id}`)];
    }
    case 'receipts': {
      const receipt = refs.receipts.get(key);
      return [receipt === undefined ? plain(id) : link(receipt.number, `/receipts/${receipt.id}`)];
    }
    case 'grants': {
      const grant = refs.grants.get(key);
      return [grant === undefined ? plain(id) : link(grant.number, `/grants/${grant.id}`)];
    }
    case 'donors': {
      const name = refs.donors.get(key);
      return [name === undefined ? plain(id) : link(name, `/donors/${key}`)];
    }
    case 'bankAccounts':
      return [plain(refs.bankAccounts.get(key) ?? id)];
    case 'bankLines': {
      const line = refs.bankLines.get(key);
      return [
        plain(
          line === undefined
            ? id
            : `${line.booking_date}, ${line.bank_account}, ${money(line.amount_minor, line.currency)}`,
        ),
      ];
    }
    case 'entries': {
      const entry = refs.entries.get(key);
      return [plain(entry === undefined ? id : entry.number)];
    }
  }
}

function receiptOf(payload: Payload, refs: References): ReceiptRef | undefined {
  const id = idOf(payload, 'receiptId');
  return id === null ? undefined : refs.receipts.get(id);
}

function receiptFields(receipt: ReceiptRef | undefined): Array<PayloadField | null> {
  if (receipt === undefined) return [];
  const donor =
    receipt.donor_id !== null && receipt.donor_name !== null
      ? [link(receipt.donor_name, `/donors/${receipt.donor_id}`)]
      : receipt.remitter_name !== null
        ? [plain(uiText('approvals.value.remitter', { name: receipt.remitter_name }))]
        : [];
  return [
    field('donor', donor),
    field('receiptAmount', money(receipt.gross_minor, receipt.currency)),
    field('bankAccount', receipt.bank_account),
  ];
}

function grantFields(
  id: string | null,
  grant: GrantRef | undefined,
  refs: References,
): Array<PayloadField | null> {
  if (grant === undefined) return [field('grant', named('grants', id, refs))];
  return [
    field('grant', [link(grant.number, `/grants/${grant.id}`)]),
    field('participant', [
      link(
        `${grant.participant_name} (${grant.participant_country})`,
        `/participants/${grant.participant_id}`,
      ),
    ]),
    field('event', [
      link(`${grant.event_code} — ${grant.event_name}`, `/grant-events/${grant.event_id}`),
    ]),
  ];
}

/** A code with its name beside it, unless the name only repeats it ("UNEARMARKED"). */
function withName(code: string, name: string | undefined): string {
  const bare = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  return name === undefined || bare(name) === bare(code) ? code : `${code} (${name})`;
}

function grantKindLabel(kind: string): string {
  const key = `approvals.grantKind.${kind}`;
  return hasUiText(key) ? uiText(key) : kind;
}
