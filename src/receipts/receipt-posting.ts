import { CalendarDate } from '../common/calendar-date';
import { PostingLine } from '../ledger/ledger.types';
import { Money } from '../money/money';
import { divideHalfEven, Rate } from '../money/rate';

export const CASH = '1000';
export const RECEIVABLE = '1100';
export const CONVERSION = '1900';
export const UNAPPLIED = '2000';
export const SUSPENSE = '2300';
export const BANK_CHARGES = '5100';
export const FX_GAINS = '4100';
export const FX_LOSSES = '5200';

/** Source types of the entries a receipt posts. */
export const RECEIPT = 'receipt';
export const RECEIPT_ALLOCATION = 'receipt-allocation';
export const RECEIPT_DONOR = 'receipt-donor';
export const RECEIPT_REFUND = 'receipt-refund';

/** An amount and its value in the fund's currency, as a balance holds them. */
export interface Carried {
  minor: bigint;
  functionalMinor: bigint;
}

/**
 * The functional value of `part` of a balance carried at `carried`: its exact share, rounded
 * half-even; the whole balance when the part is all of it, so that clearing a balance in several
 * parts leaves nothing behind in either currency (the rounding of earlier parts is absorbed by
 * the last one).
 */
export function shareOf(carried: Carried, part: bigint): bigint {
  if (part === carried.minor) return carried.functionalMinor;
  if (carried.minor === 0n) return 0n;
  return divideHalfEven(carried.functionalMinor * part, carried.minor);
}

/** Who and what an allocation credits. */
export interface PledgeTarget {
  id: string;
  donorId: string;
  earmarkId: string;
  currency: string;
}

/** One part of a receipt applied to one instalment, all amounts known. */
export interface AllocationPart {
  pledge: PledgeTarget;
  seq: number;
  /** In the receipt currency. */
  receiptAmount: Money;
  /** In the pledge currency. */
  pledgeAmount: Money;
  /** What the part of the receipt is worth in the fund's currency (at the receipt's rate). */
  value: Money;
  /** What comes off the receivable in the fund's currency (at the rate it was booked at). */
  relieved: Money;
}

/**
 * The lines that apply one part: the receivable credited at the value it was booked at, the
 * difference to what the money is worth as a realised FX gain (credit) or loss (debit), and,
 * when the receipt and the pledge are in different currencies, the conversion through 1900 (a
 * debit in the pledge currency and a credit in the receipt currency, worth the same), so that
 * each transaction currency balances. A conversion side in the fund's currency is worth its own
 * amount (a line in the functional currency must be), and so is the other side: the round trip's
 * rounding is then part of the FX difference, not left on a functional line. An FX line carries
 * no transaction amount: it exists in the fund's currency only, and is kept in a currency other
 * than the fund's (the pledge's, else the receipt's), where a line may have a functional amount
 * alone.
 */
export function allocationLines(
  part: AllocationPart,
  receiptId: string,
  functionalCurrency: string,
): PostingLine[] {
  const { pledge } = part;
  const onPledge = { donorId: pledge.donorId, pledgeId: pledge.id };
  const lines: PostingLine[] = [
    {
      accountCode: RECEIVABLE,
      ...onPledge,
      earmarkId: pledge.earmarkId,
      amount: part.pledgeAmount.negate(),
      functional: part.relieved.negate(),
    },
  ];
  if (part.receiptAmount.currency !== pledge.currency) {
    const converted =
      pledge.currency === functionalCurrency
        ? part.pledgeAmount
        : part.receiptAmount.currency === functionalCurrency
          ? part.receiptAmount
          : part.value;
    lines.push(
      {
        accountCode: CONVERSION,
        receiptId,
        amount: part.pledgeAmount,
        functional: converted,
      },
      {
        accountCode: CONVERSION,
        receiptId,
        amount: part.receiptAmount.negate(),
        functional: converted.negate(),
      },
    );
  }
  const fx = part.value.subtract(part.relieved);
  if (!fx.isZero()) {
    const currency =
      pledge.currency !== functionalCurrency ? pledge.currency : part.receiptAmount.currency;
    lines.push(fxLine(fx, currency, { ...onPledge, receiptId }));
  }
  return lines;
}

/** A realised difference: a gain (positive) is credited to 4100, a loss debited to 5200. */
export function fxLine(
  fx: Money,
  currency: string,
  dimensions: { donorId?: string; pledgeId?: string; receiptId: string },
): PostingLine {
  return {
    accountCode: fx.isPositive() ? FX_GAINS : FX_LOSSES,
    ...dimensions,
    amount: Money.zero(currency),
    functional: fx.negate(),
  };
}

/** The receipt's own amounts in the fund's currency, at the UN rate of the value date. */
export interface ReceiptValue {
  grossFunctional: Money;
  chargesFunctional: Money;
  netFunctional: Money;
}

export function receiptValue(
  gross: Money,
  charges: Money,
  rate: Rate,
  functionalCurrency: string,
): ReceiptValue {
  const grossFunctional = gross.convert(rate, functionalCurrency);
  const chargesFunctional = charges.convert(rate, functionalCurrency);
  return {
    grossFunctional,
    chargesFunctional,
    netFunctional: grossFunctional.subtract(chargesFunctional),
  };
}

/**
 * Splits the receipt's functional value over the parts it pays (allocations, then what stays
 * unapplied), each at the rate of the value date rounded once; what rounding leaves over goes to
 * the largest part, so that the parts add up to the gross value exactly.
 */
export function splitValue(grossFunctional: Money, parts: readonly Money[], rate: Rate): Money[] {
  const values = parts.map((part) => part.convert(rate, grossFunctional.currency));
  const left = grossFunctional.subtract(Money.sum(grossFunctional.currency, values));
  if (left.isZero() || parts.length === 0) return values;
  let largest = 0;
  parts.forEach((part, index) => {
    if (part.compare(parts[largest]) > 0) largest = index;
  });
  values[largest] = values[largest].add(left);
  return values;
}

/** The recording entry of a receipt: cash and charges against what it pays and what is left. */
export function recordingLines(input: {
  receiptId: string;
  bankAccountId: string;
  donorId: string | null;
  gross: Money;
  charges: Money;
  value: ReceiptValue;
  parts: readonly AllocationPart[];
  unapplied: Money;
  unappliedValue: Money;
  functionalCurrency: string;
}): PostingLine[] {
  const { receiptId, bankAccountId } = input;
  const net = input.gross.subtract(input.charges);
  const lines: PostingLine[] = [
    {
      accountCode: CASH,
      bankAccountId,
      receiptId,
      amount: net,
      functional: input.value.netFunctional,
    },
  ];
  if (input.charges.isPositive()) {
    lines.push({
      accountCode: BANK_CHARGES,
      bankAccountId,
      receiptId,
      amount: input.charges,
      functional: input.value.chargesFunctional,
    });
  }
  for (const part of input.parts) {
    lines.push(...allocationLines(part, receiptId, input.functionalCurrency));
  }
  if (input.unapplied.isPositive())
    lines.push(unappliedLine(input, input.unapplied.negate(), input.unappliedValue.negate()));
  return lines;
}

/** A line on the receipt's unapplied credit (known donor) or on suspense (unknown donor). */
export function unappliedLine(
  receipt: { receiptId: string; bankAccountId: string; donorId: string | null },
  amount: Money,
  functional: Money,
): PostingLine {
  return receipt.donorId === null
    ? {
        accountCode: SUSPENSE,
        bankAccountId: receipt.bankAccountId,
        receiptId: receipt.receiptId,
        amount,
        functional,
      }
    : {
        accountCode: UNAPPLIED,
        donorId: receipt.donorId,
        receiptId: receipt.receiptId,
        amount,
        functional,
      };
}

/** A date's problem for an event of a receipt dated before the receipt arrived. */
export function notBeforeValueDate(
  date: CalendarDate,
  valueDate: CalendarDate,
): string | undefined {
  return date < valueDate
    ? `must be on or after the value date of the receipt, ${valueDate}`
    : undefined;
}
