import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { BANK_ACCOUNT_CODE } from '../../bank-accounts/dto/bank-account.dto';
import { IsCalendarDate } from '../../common/calendar-date';

const AMOUNT = /^[0-9][0-9,]*(\.[0-9]+)?$/;
/** numeric(6, 4) from 0 to below 1: '0', '0.07', '0.0725'. */
export const SUPPORT_COST_RATE = /^0(\.[0-9]{1,4})?$/;

export class DisburseGrantRequest {
  @ApiProperty({
    example: '2026-06-10',
    description:
      'The day the money leaves the bank account: on or after the approval, not later than today',
  })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: 'UBS-CHF', description: "Code of the fund's bank account paying it" })
  @Matches(BANK_ACCOUNT_CODE, { message: 'bankAccount must be a bank account code' })
  bankAccount!: string;

  @ApiPropertyOptional({
    example: '1,800.00',
    description: 'The advance paid; default what is committed for the grant (it may be less)',
  })
  @IsOptional()
  @IsString()
  @Matches(AMOUNT, { message: 'amount must be an amount such as 1800.00' })
  amount?: string;

  @ApiPropertyOptional({ example: 'Ticket booked through the travel agency' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  reason?: string;
}

export class SettleGrantRequest {
  @ApiProperty({ example: '2026-07-15', description: 'Accounting date of the settlement' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({
    example: '1,650.00',
    description:
      'What the grant actually cost (0 when nothing was spent). Less than the advance: the ' +
      'rest comes back to `bankAccount`. More: an overspend, settled once a second person approves.',
  })
  @IsString()
  @Matches(AMOUNT, { message: 'actualCost must be an amount such as 1650.00' })
  actualCost!: string;

  @ApiPropertyOptional({
    example: 'UBS-CHF',
    description:
      'Where unspent money is returned (required then); for an overspend, the account paying ' +
      'the difference (without it, the difference is owed: grants payable)',
  })
  @IsOptional()
  @Matches(BANK_ACCOUNT_CODE, { message: 'bankAccount must be a bank account code' })
  bankAccount?: string;

  @ApiPropertyOptional({ example: 'Ticket re-issued after a cancelled flight' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  reason?: string;
}

export class CancelGrantRequest {
  @ApiProperty({ example: '2026-06-20' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: 'The participant could not obtain a visa' })
  @IsString()
  @Length(3, 1000)
  reason!: string;
}

export class SetSupportCostRateRequest {
  @ApiProperty({
    example: '0.07',
    description:
      'Charged on grant expenditure when a grant is settled; from 0 to below 1, 4 decimals at most',
  })
  @IsString()
  @Matches(SUPPORT_COST_RATE, {
    message: 'rate must be a decimal from 0 to below 1 with at most 4 decimals, such as 0.07',
  })
  rate!: string;

  @ApiProperty({ example: 'Council decision 2026/12: 7% programme support costs' })
  @IsString()
  @Length(3, 1000)
  reason!: string;
}

export class SupportCostRateResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: '0.0700' }) supportCostRate!: string;
  @ApiProperty({ example: '0.0000' }) previousRate!: string;
  @ApiProperty() reason!: string;
}
