import { CalendarDate } from '../common/calendar-date';
import { FieldError } from '../common/errors/problem';
import { parsePositiveAmount } from '../money/amount-field';
import { Money } from '../money/money';
import { Rate } from '../money/rate';
import { PledgeTarget } from './receipt-posting';

/** An instalment that money may be applied to, with what it still asks for. */
export interface OpenSlot {
  pledge: PledgeTarget & { reference: string };
  seq: number;
  dueDate: CalendarDate;
  /** In the pledge currency. */
  due: Money;
  /** The pledge is named in the receipt's remittance text. */
  named: boolean;
}

/** One instalment and how much of the receipt goes to it, in both currencies. */
export interface PlannedPart {
  slot: OpenSlot;
  pledgeAmount: Money;
  receiptAmount: Money;
}

export interface ExplicitAllocation {
  pledgeId: string;
  instalment?: number;
  /** As typed, read in the pledge currency once the pledge is known. */
  amount: string;
}

/** Units of the pledge currency per unit of the receipt currency, per pledge currency. */
export type PledgeRates = ReadonlyMap<string, Rate>;

/** The order money is applied in: oldest due first, then by pledge reference and instalment. */
export function byDue(a: OpenSlot, b: OpenSlot): number {
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  if (a.pledge.reference !== b.pledge.reference)
    return a.pledge.reference < b.pledge.reference ? -1 : 1;
  return a.seq - b.seq;
}

function rateFor(rates: PledgeRates, currency: string): Rate {
  const rate = rates.get(currency);
  if (rate === undefined) throw new Error(`No rate given for ${currency}`);
  return rate;
}

/**
 * What it takes of the receipt to pay `pledgeAmount`, at the rate of the value date; never
 * nothing for something (an amount worth less than half a minor unit of the receipt's currency
 * takes one), so that no part pays an instalment without money and posts an empty line.
 */
export function receiptAmountFor(
  pledgeAmount: Money,
  receiptCurrency: string,
  rates: PledgeRates,
): Money {
  if (pledgeAmount.currency === receiptCurrency) return pledgeAmount;
  const amount = pledgeAmount.convert(
    rateFor(rates, pledgeAmount.currency).inverse(),
    receiptCurrency,
  );
  return amount.isZero() && pledgeAmount.isPositive() ? Money.of(1n, receiptCurrency) : amount;
}

/**
 * Automatic allocation: the instalments of the pledges named in the remittance text if any is,
 * else of all the donor's open pledges, oldest due first, until the money runs out. An
 * instalment in another currency is paid in full when the money left covers it at the rate;
 * otherwise it gets what the money left is worth.
 */
export function planAuto(
  slots: readonly OpenSlot[],
  available: Money,
  rates: PledgeRates,
): PlannedPart[] {
  const named = slots.filter((slot) => slot.named);
  const candidates = [...(named.length > 0 ? named : slots)].sort(byDue);
  const parts: PlannedPart[] = [];
  let left = available;
  for (const slot of candidates) {
    if (!left.isPositive()) break;
    if (!slot.due.isPositive()) continue;
    const needed = receiptAmountFor(slot.due, available.currency, rates);
    if (needed.compare(left) <= 0) {
      parts.push({ slot, pledgeAmount: slot.due, receiptAmount: needed });
      left = left.subtract(needed);
      continue;
    }
    const worth =
      slot.due.currency === left.currency
        ? left
        : left.convert(rateFor(rates, slot.due.currency), slot.due.currency);
    const pledgeAmount = worth.compare(slot.due) > 0 ? slot.due : worth;
    if (pledgeAmount.isPositive()) {
      parts.push({ slot, pledgeAmount, receiptAmount: left });
      left = Money.zero(left.currency);
    }
  }
  return parts;
}

/**
 * Explicit allocations, checked one by one against what is open (an instalment named twice
 * counts what the first took) and together against the money available. A pledge without an
 * instalment number is paid oldest due first. Refusals are field errors, all of them at once.
 */
export function planExplicit(
  slots: readonly OpenSlot[],
  requests: readonly ExplicitAllocation[],
  available: Money,
  rates: PledgeRates,
): { parts: PlannedPart[]; errors: FieldError[] } {
  const remaining = new Map(slots.map((slot) => [key(slot.pledge.id, slot.seq), slot.due]));
  const parts: PlannedPart[] = [];
  const errors: FieldError[] = [];
  requests.forEach((request, index) => {
    const field = `allocations[${index}]`;
    const own = slots.filter((slot) => slot.pledge.id === request.pledgeId).sort(byDue);
    if (own.length === 0) {
      errors.push({
        field: `${field}.pledgeId`,
        rule: 'openPledge',
        reason:
          'not an open pledge of this receipt’s donor in this fund (agreed, not ended, with something due)',
      });
      return;
    }
    const currency = own[0].due.currency;
    const amount = parsePositiveAmount(`${field}.amount`, request.amount, currency, errors);
    if (amount === undefined) return;
    const targets =
      request.instalment === undefined
        ? own
        : own.filter((slot) => slot.seq === request.instalment);
    if (targets.length === 0) {
      errors.push({
        field: `${field}.instalment`,
        rule: 'openInstalment',
        reason: `pledge ${own[0].pledge.reference} has no open instalment ${request.instalment}`,
      });
      return;
    }
    const open = Money.sum(
      currency,
      targets.map((slot) => remaining.get(key(slot.pledge.id, slot.seq)) as Money),
    );
    if (amount.compare(open) > 0) {
      const what =
        request.instalment === undefined
          ? `pledge ${own[0].pledge.reference}`
          : `instalment ${request.instalment} of pledge ${own[0].pledge.reference}`;
      errors.push({
        field: `${field}.amount`,
        rule: 'notMoreThanOpen',
        reason: `${amount.toString()} is more than is open on ${what}: ${open.toString()}`,
      });
      return;
    }
    let left = amount;
    for (const slot of targets) {
      if (!left.isPositive()) break;
      const slotKey = key(slot.pledge.id, slot.seq);
      const due = remaining.get(slotKey) as Money;
      const take = left.compare(due) > 0 ? due : left;
      if (!take.isPositive()) continue;
      remaining.set(slotKey, due.subtract(take));
      left = left.subtract(take);
      parts.push({
        slot,
        pledgeAmount: take,
        receiptAmount: receiptAmountFor(take, available.currency, rates),
      });
    }
  });
  if (errors.length === 0) {
    const taken = Money.sum(
      available.currency,
      parts.map((part) => part.receiptAmount),
    );
    if (taken.compare(available) > 0) {
      errors.push({
        field: 'allocations',
        rule: 'notMoreThanReceived',
        reason: `the allocations take ${taken.toString()}; the receipt has ${available.toString()} left to allocate`,
      });
    }
  }
  return { parts: errors.length === 0 ? parts : [], errors };
}

function key(pledgeId: string, seq: number): string {
  return `${pledgeId}#${seq}`;
}

/** Pledge references (FUND-YYYY-NNNN) quoted in a remittance text, upper-cased. */
export function referencesIn(text: string | null | undefined): string[] {
  if (text === null || text === undefined) return [];
  const found = text.toUpperCase().match(/[A-Z0-9][A-Z0-9-]*-[0-9]{4}-[0-9]{4,}/g) ?? [];
  return [...new Set(found)];
}
