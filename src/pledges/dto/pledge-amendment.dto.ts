import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { MoneyResponse } from '../../ledger/dto/journal.dto';
import { MAX_INSTALMENTS } from '../pledge-schedule';
import { AmendedInstalmentResponse, PledgeResponse } from './pledge.dto';

const AMOUNT = /^-?[0-9][0-9,]*(\.[0-9]+)?$/;
const SEQ_MAX = 32767;

export class InstalmentChangeRequest {
  @ApiProperty({ example: 2, description: 'The number of an unpaid instalment' })
  @IsInt()
  @Min(1)
  @Max(SEQ_MAX)
  seq!: number;

  @ApiPropertyOptional({ example: '2026-09-30' })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string;

  @ApiPropertyOptional({ example: '150.00', description: 'In the pledge currency' })
  @IsOptional()
  @IsString()
  @Matches(AMOUNT, { message: 'amount must be an amount such as 150.00' })
  amount?: string;
}

export class InstalmentAddRequest {
  @ApiProperty({ example: '2026-12-31' })
  @IsCalendarDate()
  dueDate!: string;

  @ApiProperty({ example: '50.00', description: 'In the pledge currency' })
  @IsString()
  @Matches(AMOUNT, { message: 'amount must be an amount such as 50.00' })
  amount!: string;
}

export class InstalmentChangesRequest {
  @ApiPropertyOptional({ type: [InstalmentChangeRequest] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_INSTALMENTS)
  @ValidateNested({ each: true })
  @Type(() => InstalmentChangeRequest)
  change?: InstalmentChangeRequest[];

  @ApiPropertyOptional({ type: [InstalmentAddRequest] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_INSTALMENTS)
  @ValidateNested({ each: true })
  @Type(() => InstalmentAddRequest)
  add?: InstalmentAddRequest[];

  @ApiPropertyOptional({ type: [Number], example: [3], description: 'Seqs of unpaid instalments' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_INSTALMENTS)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(SEQ_MAX, { each: true })
  remove?: number[];
}

export class AmendPledgeRequest {
  @ApiProperty({
    example: '2026-06-15',
    description:
      'When the amendment was signed: the accounting date of its entry and the date from which ' +
      'the new schedule is in force. Not in the future, not before the last thing recorded.',
  })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: 'Donor letter of 10 June: contribution raised for 2026' })
  @IsString()
  @Length(3, 500)
  reason!: string;

  @ApiPropertyOptional({
    example: '350.00',
    description: 'The new total of the pledge; default: unchanged',
  })
  @IsOptional()
  @IsString()
  @Matches(AMOUNT, { message: 'amount must be an amount such as 350.00' })
  amount?: string;

  @ApiProperty({
    type: InstalmentChangesRequest,
    description:
      'Only the instalments named here change: the resulting schedule must sum to the amount',
  })
  @ValidateNested()
  @Type(() => InstalmentChangesRequest)
  instalments!: InstalmentChangesRequest;

  @ApiPropertyOptional({
    default: false,
    description: 'Answer the resulting schedule and entry without writing anything (200)',
  })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class AmendmentLineResponse {
  @ApiProperty({ example: '1100' }) account!: string;
  @ApiPropertyOptional({ type: MoneyResponse, nullable: true }) debit!: MoneyResponse | null;
  @ApiPropertyOptional({ type: MoneyResponse, nullable: true }) credit!: MoneyResponse | null;
  @ApiProperty({ type: MoneyResponse, description: 'In the fund currency, debit positive' })
  functional!: MoneyResponse;
}

export class AmendmentLedgerResponse {
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The entry posted (null for a dry run or when nothing is posted)',
  })
  entryId!: string | null;
  @ApiProperty({
    type: [AmendmentLineResponse],
    description: 'Empty when nothing is posted (an announced pledge, or the amount unchanged)',
  })
  lines!: AmendmentLineResponse[];
}

export class PledgeAmendmentResponse {
  @ApiProperty({ description: 'True: nothing was written, this is what it would do' })
  dryRun!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) id!: string | null;
  @ApiProperty({ description: 'Amendments of the pledge are numbered 1…' }) number!: number;
  @ApiProperty() pledgeId!: string;
  @ApiProperty({ example: 'WSIS-TF-2026-0012' }) reference!: string;
  @ApiProperty({ example: '2026-06-15' }) date!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: MoneyResponse }) amountBefore!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse }) amountAfter!: MoneyResponse;
  @ApiProperty({ type: MoneyResponse, description: 'amountAfter − amountBefore' })
  difference!: MoneyResponse;
  @ApiProperty({ type: [AmendedInstalmentResponse] }) scheduleBefore!: AmendedInstalmentResponse[];
  @ApiProperty({ type: [AmendedInstalmentResponse] }) scheduleAfter!: AmendedInstalmentResponse[];
  @ApiProperty({ type: [Number], description: 'Seqs of the instalments removed' })
  removed!: number[];
  @ApiProperty({ type: AmendmentLedgerResponse }) ledger!: AmendmentLedgerResponse;
  @ApiPropertyOptional({
    type: PledgeResponse,
    nullable: true,
    description: 'The pledge after the amendment (null for a dry run)',
  })
  pledge!: PledgeResponse | null;
}
