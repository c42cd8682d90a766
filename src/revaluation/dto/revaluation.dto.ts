import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { MoneyResponse } from '../../ledger/dto/journal.dto';
import { PERIOD_FORMAT } from '../../ledger/periods.service';

export class RunRevaluationRequest {
  @ApiProperty({
    example: '2026-10',
    description: 'The month to revalue, YYYY-MM: at the UN rates in force on its last day',
  })
  @Matches(PERIOD_FORMAT, { message: 'period must be a month YYYY-MM' })
  period!: string;
}

export class RevaluationEntryRef {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'JE-2026-000123' }) number!: string;
  @ApiProperty({ example: '2026-10-31' }) date!: string;
}

/** One balance revalued: a receivable of an earmark, or a bank account, in one currency. */
export class RevaluationLineResponse {
  @ApiProperty({ enum: ['1190', '1000'], description: '1190 receivables, 1000 cash at bank' })
  account!: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'PARTICIPATION-GRANTS' })
  earmark!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'CITI-USD' })
  bankAccount!: string | null;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: '0.9411764706', description: 'Functional units per currency unit' })
  rate!: string;
  @ApiProperty({
    type: MoneyResponse,
    description: 'In the functional currency: positive a gain, negative a loss',
  })
  difference!: MoneyResponse;
}

export class RevaluationResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty({
    example: 1,
    description:
      'The run of the month: 1, then 2, … for a supplementary run, which posts only what ' +
      'postings dated in the month since the last run changed (never a difference twice)',
  })
  run!: number;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    example: null,
    description: 'The run a supplementary run supplements (the one before it); null for run 1',
  })
  supplements!: number | null;
  @ApiProperty({ example: '2026-10-31', description: 'The month’s last day: the rates’ date' })
  revaluedOn!: string;
  @ApiPropertyOptional({
    type: RevaluationEntryRef,
    nullable: true,
    description: 'Null when nothing needed revaluing',
  })
  entry!: RevaluationEntryRef | null;
  @ApiPropertyOptional({
    type: RevaluationEntryRef,
    nullable: true,
    description: 'The entry’s reversal, dated the first day of the next month',
  })
  reversal!: RevaluationEntryRef | null;
  @ApiProperty({ type: MoneyResponse, description: 'Unrealised gains (4300)' })
  gain!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Unrealised losses (5500)' })
  loss!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'Gain minus loss' })
  net!: MoneyResponse;
  @ApiProperty({ type: [RevaluationLineResponse] }) lines!: RevaluationLineResponse[];
  @ApiProperty() runBy!: string;
  @ApiProperty() runAt!: string;
}
