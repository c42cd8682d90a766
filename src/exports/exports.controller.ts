import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { API_V1 } from '../common/api';
import { HledgerExportQuery, IatiExportQuery } from './dto/exports.dto';
import { ExportsService } from './exports.service';

@ApiTags('exports')
@Controller(`${API_V1}/exports`)
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Access(...STAFF)
  @Get('iati')
  @ApiOperation({
    summary: 'The fund’s activity as IATI 2.03 XML',
    description:
      'One `iati-activity` per fund (`XM-DAC-41303-<fund>`, reported by ITU, XM-DAC-41303), ' +
      'with its transactions dated from `from` to `to` (default: from the beginning to today): ' +
      '13 incoming pledge (each announcement, the amount first announced), 11 incoming ' +
      'commitment (each agreement, and amendments after it), 1 incoming funds (each receipt, ' +
      'gross; refunds and reversals negative), 3 disbursement (each grant disbursement, to the ' +
      'participant’s organisation). Donors are the provider organisations, by name.',
  })
  @ApiProduces('application/xml')
  @ApiOkResponse({ description: 'An `iati-activities` document, version 2.03' })
  async iati(
    @Query() query: IatiExportQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const file = await this.exports.iati(query);
    response.type('application/xml; charset=utf-8');
    response.attachment(file.fileName);
    return file.xml;
  }

  @Access(...STAFF)
  @Get('hledger')
  @ApiOperation({
    summary: 'The fund’s whole ledger as an hledger journal',
    description:
      'Every journal entry dated up to `asOf` (default: today), one transaction each ' +
      '(`date (number) description`), postings on `kind:code name` accounts with the line’s ' +
      'dimensions as sub-accounts (`:bank-<code>`, `:donor-<id>`, `:earmark-<code>`), amounts ' +
      'in the fund currency to the cent and the transaction currency in a `tx:` comment tag. ' +
      '`hledger -f <file> balance --depth 2` gives the trial balance. Streamed.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'An hledger journal' })
  async hledger(@Query() query: HledgerExportQuery): Promise<StreamableFile> {
    const file = await this.exports.hledger(query);
    return new StreamableFile(file.body, {
      type: 'text/plain; charset=utf-8',
      disposition: `attachment; filename="${file.fileName}"`,
    });
  }
}
