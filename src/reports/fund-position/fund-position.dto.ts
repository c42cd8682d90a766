import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { MoneyResponse } from '../../ledger/dto/journal.dto';
import { ReportFiltersQuery } from '../dto/report-filters.dto';

/** The fund position's parameters: fund, earmark, asOf, format (the other filters do not apply). */
export class FundPositionQuery extends ReportFiltersQuery {
  @ApiPropertyOptional({
    default: true,
    description:
      'Compare the ledger figures with the trial balance (`ties`). `false` skips the trial ' +
      'balance, which reads every line of the fund.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'ties must be true or false' })
  ties?: boolean;
}

export class OutstandingResponse {
  @ApiProperty({
    description: '1100 Contributions receivable, at the rates the pledges were booked at',
  })
  booked!: MoneyResponse;
  @ApiProperty({
    description: '1190 Receivables revaluation (unrealised), from the month-end revaluations',
  })
  revaluation!: MoneyResponse;
  @ApiProperty({ description: 'booked + revaluation: what is owed at current rates' })
  current!: MoneyResponse;
}

export class FundPositionLineResponse {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Earmark code; null: lines without an earmark, or the fund total',
  })
  earmark!: string | null;
  @ApiProperty({ example: 'Participation grants' }) label!: string;
  @ApiProperty({
    description:
      'Memo, off-ledger: pledges at the announced stage on the day (announced, not agreed, not ' +
      'cancelled), at the UN rate in force on the day',
  })
  announced!: MoneyResponse;
  @ApiProperty({ description: 'Contribution revenue recognised: net credit of 4000' })
  agreed!: MoneyResponse;
  @ApiProperty({
    description: 'Conditional agreements not yet met: net credit of 2100 (apart from agreed)',
  })
  conditional!: MoneyResponse;
  @ApiProperty({
    description:
      'Receivables cleared by receipts, at the rates they were booked at: 4000 + 2100 credits ' +
      'less 5300 and 1100 debits (what was agreed and no longer owed nor written off)',
  })
  received!: MoneyResponse;
  @ApiProperty({ type: OutstandingResponse }) outstanding!: OutstandingResponse;
  @ApiProperty({ description: 'Write-offs: debit balance of 5300' }) writtenOff!: MoneyResponse;
  @ApiProperty({
    description: 'Open grant commitments (approved grants not yet disbursed), off-ledger',
  })
  committed!: MoneyResponse;
  @ApiProperty({
    description:
      'Grants paid: advances not settled (1200) + actual cost (5000) + programme support costs (5400)',
  })
  disbursed!: MoneyResponse;
  @ApiProperty({
    nullable: true,
    type: MoneyResponse,
    description:
      'Available balance, the rule grants are approved by: cash received for the earmark ' +
      '(receipt allocations at the value-date rate, net of bank charges) − open commitments − ' +
      'grants paid (1200, 5000, 5400). Null for lines without an earmark.',
  })
  available!: MoneyResponse | null;
  @ApiProperty({
    nullable: true,
    type: MoneyResponse,
    description:
      'The cash received the available balance starts from (net of bank charges, value-date rates)',
  })
  availableFrom!: MoneyResponse | null;
}

export class FundPositionTieResponse {
  @ApiProperty({ example: 'agreed' }) figure!: string;
  @ApiProperty({ example: ['4000'] }) accounts!: string[];
  @ApiProperty({ description: 'The fund total of the position' }) position!: MoneyResponse;
  @ApiProperty({ description: 'The same accounts in the trial balance as of the day' })
  trialBalance!: MoneyResponse;
  @ApiProperty() ties!: boolean;
}

export class FundPositionFundResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'CHF' }) functionalCurrency!: string;
  @ApiProperty({
    type: [FundPositionLineResponse],
    description: 'One line per earmark (and one for lines without an earmark, when there are any)',
  })
  earmarks!: FundPositionLineResponse[];
  @ApiProperty({ type: FundPositionLineResponse }) total!: FundPositionLineResponse;
  @ApiProperty({
    type: [MoneyResponse],
    description:
      'Announced pledges left out of `announced`: no UN rate in force on the day for their currency',
  })
  announcedUnconverted!: MoneyResponse[];
  @ApiProperty({
    type: [FundPositionTieResponse],
    nullable: true,
    description:
      'The total compared with the trial balance; null with an earmark filter or `ties=false`',
  })
  ties!: FundPositionTieResponse[] | null;
  @ApiProperty({ nullable: true, type: Boolean, description: 'Every tie holds' }) tiesAll!:
    boolean | null;
}

export class FundPositionResponse {
  @ApiProperty({ example: '2026-06-30' }) asOf!: string;
  @ApiProperty({ nullable: true, type: String }) earmark!: string | null;
  @ApiProperty({ type: [FundPositionFundResponse] }) funds!: FundPositionFundResponse[];
}
