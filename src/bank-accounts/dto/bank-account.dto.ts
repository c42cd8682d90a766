import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

const FUND = /^[A-Z0-9][A-Z0-9-]{1,19}$/;
export const BANK_ACCOUNT_CODE = /^[A-Z0-9][A-Z0-9-]{1,29}$/;

export class CreateBankAccountRequest {
  @ApiPropertyOptional({ example: 'WSIS-TF', default: 'WSIS-TF', description: 'Code of the fund' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;

  @ApiProperty({
    example: 'UBS-CHF',
    description: 'Short code receipts name the account by: capitals, digits and hyphens',
  })
  @Matches(BANK_ACCOUNT_CODE, {
    message: 'code must be 2 to 30 capital letters, digits or hyphens, such as UBS-CHF',
  })
  code!: string;

  @ApiProperty({ example: 'UBS CHF operating account' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 'UBS Switzerland AG' })
  @IsString()
  @Length(1, 200)
  bankName!: string;

  @ApiProperty({
    example: 'CH93 0076 2011 6238 5295 7',
    description:
      'IBAN or other account number; kept without spaces, in capitals. An IBAN (two letters ' +
      'and two digits first) must have a valid checksum.',
  })
  @IsString()
  @Length(1, 60)
  accountNumber!: string;

  @ApiPropertyOptional({ example: 'UBSWCHZH80A', description: 'BIC (SWIFT code), 8 or 11' })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  bic?: string;

  @ApiProperty({ example: 'CHF' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CHF' })
  currency!: string;
}

export class ListBankAccountsQuery {
  @ApiPropertyOptional({ example: 'WSIS-TF', description: 'Default: the accounts of every fund' })
  @IsOptional()
  @Matches(FUND, { message: 'fund must be a fund code' })
  fund?: string;
}

export class BankAccountResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: 'UBS-CHF' }) code!: string;
  @ApiProperty({ example: 'UBS CHF operating account' }) name!: string;
  @ApiProperty({ example: 'UBS Switzerland AG' }) bankName!: string;
  @ApiProperty({ example: 'CH9300762011623852957', description: 'Without spaces, in capitals' })
  accountNumber!: string;
  @ApiProperty({ description: 'Whether the account number is an IBAN' }) iban!: boolean;
  @ApiProperty({
    example: 'CH93 0076 2011 6238 5295 7',
    description: 'The number as people read it (an IBAN in groups of four)',
  })
  displayNumber!: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'UBSWCHZH80A' })
  bic!: string | null;
  @ApiProperty({ example: 'CHF' }) currency!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}

export class BankAccountListResponse {
  @ApiProperty({ type: [BankAccountResponse] }) items!: BankAccountResponse[];
}
