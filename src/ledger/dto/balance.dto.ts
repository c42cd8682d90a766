import { IsCalendarDate } from '../../common/calendar-date';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { MoneyResponse } from './journal.dto';

export class BalanceQuery {
  @ApiPropertyOptional({ example: '2026-12-31', description: 'Default: today' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  donorId?: string;

  @ApiPropertyOptional({ example: 'PARTICIPATION-GRANTS' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,39}$/, { message: 'earmark must be an earmark code' })
  earmark?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  bankAccountId?: string;

  @ApiPropertyOptional({ enum: ['donor', 'earmark', 'bankAccount'] })
  @IsOptional()
  @IsIn(['donor', 'earmark', 'bankAccount'])
  groupBy?: 'donor' | 'earmark' | 'bankAccount';
}

export class TrialBalanceQuery {
  @ApiPropertyOptional({ example: '2026-12-31', description: 'Default: today' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}

export class BalanceGroupResponse {
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Dimension value (grouped)' })
  dimension!: string | null;
  @ApiProperty({
    type: [MoneyResponse],
    description: 'Debit-positive balance per transaction currency',
  })
  balances!: MoneyResponse[];
  @ApiProperty({
    type: MoneyResponse,
    description: 'Debit-positive balance in the functional currency',
  })
  functional!: MoneyResponse;
}

export class AccountBalanceResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: { code: '1100', name: 'Contributions receivable' } })
  account!: { code: string; name: string; kind: string };
  @ApiProperty({ example: '2026-12-31' }) asOf!: string;
  @ApiPropertyOptional({ enum: ['donor', 'earmark', 'bankAccount'] }) groupBy?: string;
  @ApiProperty({ type: [BalanceGroupResponse] }) groups!: BalanceGroupResponse[];
  @ApiProperty({ type: [MoneyResponse] }) balances!: MoneyResponse[];
  @ApiProperty({ type: MoneyResponse }) functional!: MoneyResponse;
}

export class TrialBalanceLineResponse {
  @ApiProperty({ example: '1100' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ type: MoneyResponse }) debit!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) credit!: MoneyResponse;
  @ApiProperty({ type: [MoneyResponse], description: 'Balance per transaction currency' })
  balances!: MoneyResponse[];
}

export class TrialBalanceResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: '2026-12-31' }) asOf!: string;
  @ApiProperty({ type: [TrialBalanceLineResponse] }) accounts!: TrialBalanceLineResponse[];
  @ApiProperty({ type: MoneyResponse }) totalDebit!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) totalCredit!: MoneyResponse;
  @ApiProperty({
    type: [MoneyResponse],
    description: 'Sum of all lines per transaction currency: always zero',
  })
  currencyTotals!: MoneyResponse[];
  @ApiProperty({ description: 'Debits equal credits in every currency' }) balanced!: boolean;
}
