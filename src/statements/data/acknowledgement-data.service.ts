import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isUuid } from '../../common/uuid';
import { DonorsService } from '../../donors/donors.service';
import { FundsService } from '../../funds/funds.service';
import { Money } from '../../money/money';
import { trimRate } from '../../receipts/receipt-response';
import { ReceiptNotFoundError } from '../../receipts/receipts.errors';
import { ReceiptsRepository } from '../../receipts/receipts.repository';
import { AcknowledgementData } from '../statement-data.types';
import { ReceiptWithoutDonorError } from './statement-data.errors';
import { StatementDataRepository } from './statement-data.repository';
import { toDocumentDonor, toDocumentFund } from './statement-data.service';

/**
 * Builds what an acknowledgement letter says about one receipt (issue 9, item 6): what arrived
 * (gross, charges, the rate and its value in the fund's currency), what it paid per pledge
 * (net of reversals) and what is left as the donor's unapplied credit, read from the ledger.
 */
@Injectable()
export class AcknowledgementDataService {
  constructor(
    private readonly receipts: ReceiptsRepository,
    private readonly donors: DonorsService,
    private readonly funds: FundsService,
    private readonly repository: StatementDataRepository,
  ) {}

  async build(manager: EntityManager, receiptId: string): Promise<AcknowledgementData> {
    const receipt = isUuid(receiptId) ? await this.receipts.find(manager, receiptId) : undefined;
    if (receipt === undefined) throw new ReceiptNotFoundError(receiptId);
    if (receipt.donor_id === null) throw new ReceiptWithoutDonorError(receipt.number);
    const donor = await this.donors.requireDonor(manager, receipt.donor_id);
    const fund = await this.funds.requireFund(manager, receipt.fund_code);
    const currency = receipt.currency.trim();
    const own = (minor: string): Money => Money.fromMinor(minor, currency);
    const functional = (minor: string): Money => Money.fromMinor(minor, fund.functional_currency);
    const allocations = await this.repository.allocationsOfReceipt(manager, receipt.id);
    return {
      kind: 'acknowledgement',
      donor: toDocumentDonor(donor),
      fund: toDocumentFund(fund),
      receipt: {
        id: receipt.id,
        number: receipt.number,
        valueDate: receipt.value_date,
        original: own(receipt.gross_minor).toJSON(),
        charges: own(receipt.charges_minor).toJSON(),
        rate: receipt.rate === null ? '1' : trimRate(receipt.rate),
        functional: functional(receipt.gross_functional_minor).toJSON(),
      },
      allocations: allocations.map((row) => ({
        pledgeReference: row.pledge_reference,
        earmark: row.earmark_code,
        amount: Money.fromMinor(row.amount_minor, row.currency.trim()).toJSON(),
      })),
      unapplied: own(receipt.unapplied_minor).toJSON(),
    };
  }
}
