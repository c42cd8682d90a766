import { FieldError } from '../common/errors/problem';
import { Money } from './money';

/**
 * A typed amount that must be more than zero, read strictly in `currency` (Money.parse). On a
 * problem, the reason is added to `errors` under `field` and the result is undefined, so that a
 * form can report every field at once.
 */
export function parsePositiveAmount(
  field: string,
  input: string,
  currency: string,
  errors: FieldError[],
): Money | undefined {
  let amount: Money;
  try {
    amount = Money.parse(input, currency);
  } catch (error) {
    errors.push({
      field,
      rule: 'amount',
      reason: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
  if (!amount.isPositive()) {
    errors.push({ field, rule: 'positive', reason: 'must be more than zero' });
    return undefined;
  }
  return amount;
}
