import { Injectable } from '@nestjs/common';
import { APP_INFO } from '../common/app-info';
import { DatabaseConnection } from '../database/database-connection';
import { Installation } from '../database/entities/installation.entity';
import { InfoResponse } from './dto/info.response';

@Injectable()
export class InfoService {
  constructor(private readonly database: DatabaseConnection) {}

  async info(): Promise<InfoResponse> {
    const { dataSource } = this.database;
    const [installation] = await dataSource.getRepository(Installation).find({ take: 1 });
    const applied = await dataSource.query<{ name: string }[]>(
      `SELECT name FROM ${dataSource.options.migrationsTableName ?? 'migrations'} ORDER BY id`,
    );
    return {
      name: APP_INFO.name,
      version: APP_INFO.version,
      database: {
        engine: this.database.engine,
        installationId: installation.id,
        migrations: applied.map((row) => row.name),
      },
    };
  }
}
