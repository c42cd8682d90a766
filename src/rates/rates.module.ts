import { Module } from '@nestjs/common';
import { RatesController } from './rates.controller';
import { RatesRepository } from './rates.repository';
import { RatesService } from './rates.service';

/** UN operational rates of exchange. Other modules convert money through RatesService. */
@Module({
  controllers: [RatesController],
  providers: [RatesService, RatesRepository],
  exports: [RatesService],
})
export class RatesModule {}
