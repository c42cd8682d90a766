import { ApiProperty } from '@nestjs/swagger';

export class DatabaseInfoResponse {
  @ApiProperty({ enum: ['embedded', 'postgres'] })
  engine!: string;

  @ApiProperty({ description: 'Identifies the database: the same for every instance sharing it.' })
  installationId!: string;

  @ApiProperty({ description: 'Migrations applied, oldest first.', type: [String] })
  migrations!: string[];
}

export class InfoResponse {
  @ApiProperty({ example: 'trust-fund-tracker' })
  name!: string;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ type: DatabaseInfoResponse })
  database!: DatabaseInfoResponse;
}
