import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class ClosePeriodRequest {
  @ApiPropertyOptional({ example: 'Month-end close' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class ReopenPeriodRequest {
  @ApiProperty({ example: 'Bank charges of March were missed' })
  @IsString()
  @Length(3, 500)
  reason!: string;
}

export class PeriodResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty({ example: '2026-03' }) period!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiProperty() changedBy!: string;
  @ApiProperty() changedAt!: string;
}
