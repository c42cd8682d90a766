import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

export class CreateEarmarkRequest {
  @ApiProperty({ example: 'PARTICIPATION-GRANTS' })
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,39}$/, {
    message: 'code must be 2 to 40 capital letters, digits or hyphens',
  })
  code!: string;

  @ApiProperty({ example: 'Participation grants' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class CreateFundRequest {
  @ApiProperty({ example: 'WSIS-TF' })
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,19}$/, {
    message: 'code must be 2 to 20 capital letters, digits or hyphens',
  })
  code!: string;

  @ApiProperty({ example: 'ITU WSIS Trust Fund' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 'CHF', description: 'ISO 4217 code of the functional currency' })
  @Matches(/^[A-Z]{3}$/, { message: 'functionalCurrency must be an ISO 4217 code such as CHF' })
  functionalCurrency!: string;

  @ApiPropertyOptional({ type: [CreateEarmarkRequest] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CreateEarmarkRequest)
  earmarks?: CreateEarmarkRequest[];
}

export class EarmarkResponse {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
}

export class AccountResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '1100' }) code!: string;
  @ApiProperty({ example: 'Contributions receivable' }) name!: string;
  @ApiProperty({ enum: ['asset', 'liability', 'net_assets', 'revenue', 'expense'] }) kind!: string;
  @ApiProperty({
    description: 'Dimensions a line on this account must (required) or may (optional) carry',
    example: { donor: 'required', earmark: 'optional', bankAccount: 'none' },
  })
  dimensions!: { donor: string; earmark: string; bankAccount: string };
}

export class FundResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'WSIS-TF' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'CHF' }) functionalCurrency!: string;
  @ApiProperty({ type: [EarmarkResponse] }) earmarks!: EarmarkResponse[];
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}
