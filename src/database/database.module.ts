import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DatabaseConnection } from './database-connection';
import { TransactionRunner } from './transaction-runner';

@Global()
@Module({
  providers: [
    {
      provide: DatabaseConnection,
      useFactory: (config: AppConfig) => DatabaseConnection.open(config.database),
      inject: [APP_CONFIG],
    },
    {
      provide: DataSource,
      useFactory: (connection: DatabaseConnection) => connection.dataSource,
      inject: [DatabaseConnection],
    },
    TransactionRunner,
  ],
  exports: [DatabaseConnection, DataSource, TransactionRunner],
})
export class DatabaseModule {}
