import { FieldError } from '../common/errors/problem';
import { FormBody } from '../donors/donors-page.service';
import { Money } from '../money/money';
import { formatNumber, readAmount, uiText } from '../web/ui-i18n';
import { PledgeResponse } from './dto/pledge.dto';

/** Empty rows under the schedule, so that instalments can be added without script. */
export const AMEND_BLANK_ROWS = 2;
const MAX_ADD_ROWS = 40;

/** One instalment of the pledge as the officer left it on the form. */
export interface AmendRow {
  seq: number;
  dueDate: string;
  amount: string;
  remove: boolean;
}

export interface AddRow {
  index: number;
  dueDate: string;
  amount: string;
}

export interface AmendForm {
  date: string;
  reason: string;
  amount: string;
  confirm: boolean;
  rows: AmendRow[];
  added: AddRow[];
}

/** A refusal placed next to its field: a schedule row, an added row, or a named field. */
export interface PlacedErrors {
  rows: Map<number, Record<string, string>>;
  added: Map<number, Record<string, string>>;
  fields: Record<string, string>;
  summary: { href: string; message: string }[];
}

function field(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/** Unpaid instalments of the pledge: only these can be changed or removed. */
export function editable(pledge: PledgeResponse): PledgeResponse['instalments'] {
  return pledge.instalments.filter(
    (instalment) => instalment.paid.amount.replace(/[0.]/g, '') === '',
  );
}

/** The form as first shown: the current schedule, nothing changed. */
export function initialAmendForm(pledge: PledgeResponse, today: string): AmendForm {
  return {
    date: today,
    reason: '',
    amount: '',
    confirm: false,
    rows: editable(pledge).map((instalment) => ({
      seq: instalment.seq,
      dueDate: instalment.dueDate,
      // "40,000.00", in French "40 000,00": as the officer would type it.
      amount: formatNumber(instalment.amount.amount),
      remove: false,
    })),
    added: [],
  };
}

/**
 * The form as typed (shown again as typed); empty added rows are dropped (blank ones are shown
 * again). Amounts are read in the user's language when the request is made (toAmendRequest).
 */
export function readAmendForm(pledge: PledgeResponse, body: FormBody): AmendForm {
  const added: AddRow[] = [];
  for (let index = 0; index < MAX_ADD_ROWS; index++) {
    const dueDate = field(body, `add-${index}-dueDate`).trim();
    const amount = field(body, `add-${index}-amount`).trim();
    if (dueDate !== '' || amount !== '') added.push({ index: added.length, dueDate, amount });
  }
  return {
    date: field(body, 'date').trim(),
    reason: field(body, 'reason').trim(),
    amount: field(body, 'amount').trim(),
    confirm: body.confirm !== undefined,
    rows: editable(pledge).map((instalment) => ({
      seq: instalment.seq,
      dueDate: field(body, `seq-${instalment.seq}-dueDate`).trim(),
      amount: field(body, `seq-${instalment.seq}-amount`).trim(),
      remove: body[`seq-${instalment.seq}-remove`] !== undefined,
    })),
    added,
  };
}

/** Whether a typed amount differs from the current one; what cannot be read counts as changed. */
function amountChanged(typed: string, current: PledgeResponse['amount']): boolean {
  try {
    return !Money.parse(typed, current.currency).equals(
      Money.parse(current.amount, current.currency),
    );
  } catch {
    return true;
  }
}

/**
 * The API request the form stands for. Only the rows the officer changed are named (compared
 * with the pledge as it is now), so an amendment never touches an instalment nobody edited.
 * `changeSeqs` gives, for each `change[i]`, the instalment it names (to place its errors).
 */
export function toAmendRequest(
  pledge: PledgeResponse,
  form: AmendForm,
  dryRun: boolean,
): { request: Record<string, unknown>; changeSeqs: number[]; removeSeqs: number[] } {
  const current = new Map(pledge.instalments.map((instalment) => [instalment.seq, instalment]));
  const change: Record<string, unknown>[] = [];
  const changeSeqs: number[] = [];
  const remove: number[] = [];
  for (const row of form.rows) {
    const now = current.get(row.seq);
    if (now === undefined) continue;
    if (row.remove) {
      remove.push(row.seq);
      continue;
    }
    const entry: Record<string, unknown> = { seq: row.seq };
    if (row.dueDate !== now.dueDate) entry.dueDate = row.dueDate;
    const amount = readAmount(row.amount);
    if (amountChanged(amount, now.amount)) entry.amount = amount;
    if (Object.keys(entry).length > 1) {
      change.push(entry);
      changeSeqs.push(row.seq);
    }
  }
  const instalments: Record<string, unknown> = {};
  if (change.length > 0) instalments.change = change;
  if (form.added.length > 0) {
    instalments.add = form.added.map((row) => ({
      dueDate: row.dueDate,
      amount: readAmount(row.amount),
    }));
  }
  if (remove.length > 0) instalments.remove = remove;
  const request: Record<string, unknown> = { date: form.date, reason: form.reason, instalments };
  if (form.amount !== '') request.amount = readAmount(form.amount);
  if (dryRun) request.dryRun = true;
  return { request, changeSeqs, removeSeqs: remove };
}

/**
 * Puts each refusal next to the input it is about, and lists them all at the top; `describe`
 * gives the message the page shows for a refusal (in the user's language).
 */
export function placeErrors(
  errors: readonly FieldError[],
  changeSeqs: readonly number[],
  removeSeqs: readonly number[],
  describe: (error: FieldError) => string,
): PlacedErrors {
  const placed: PlacedErrors = { rows: new Map(), added: new Map(), fields: {}, summary: [] };
  const into = (
    map: Map<number, Record<string, string>>,
    key: number,
    name: string,
    reason: string,
  ): void => {
    const messages = map.get(key) ?? {};
    messages[name] ??= reason;
    map.set(key, messages);
  };
  for (const given of errors) {
    const reason = describe(given);
    const change = /^instalments\.change\[(\d+)\](?:\.(\w+))?$/.exec(given.field);
    const seq = change === null ? undefined : changeSeqs[Number(change[1])];
    if (change !== null && seq !== undefined) {
      const name = change[2] === 'dueDate' ? 'dueDate' : 'amount';
      into(placed.rows, seq, name, reason);
      placed.summary.push({
        href: `#seq-${seq}-${name}`,
        message: uiText('pledges.amend.rowError', { seq, message: reason }),
      });
      continue;
    }
    const removal = /^instalments\.remove\[(\d+)\]$/.exec(given.field);
    const removed = removal === null ? undefined : removeSeqs[Number(removal[1])];
    if (removed !== undefined) {
      into(placed.rows, removed, 'remove', reason);
      placed.summary.push({
        href: `#seq-${removed}-remove`,
        message: uiText('pledges.amend.rowError', { seq: removed, message: reason }),
      });
      continue;
    }
    const add = /^instalments\.add\[(\d+)\]\.(\w+)$/.exec(given.field);
    if (add !== null) {
      const index = Number(add[1]);
      into(placed.added, index, add[2], reason);
      placed.summary.push({
        href: `#add-${index}-${add[2]}`,
        message: uiText('pledges.amend.newRowError', { number: index + 1, message: reason }),
      });
      continue;
    }
    const name = given.field.startsWith('instalments') ? 'schedule' : given.field;
    placed.fields[name] ??= reason;
    placed.summary.push({ href: `#${name}`, message: reason });
  }
  return placed;
}
