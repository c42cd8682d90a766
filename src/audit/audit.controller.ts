import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { API_V1 } from '../common/api';
import { AuditQueryRequest, AuditRecordResponse, AuditVerificationResponse } from './dto/audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller(`${API_V1}/audit`)
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Access('auditor', 'admin')
  @ApiOkResponse({ type: [AuditRecordResponse], description: 'Audit records, newest first' })
  find(@Query() query: AuditQueryRequest): Promise<AuditRecordResponse[]> {
    return this.audit.find(query);
  }

  @Get('verify')
  @Access('auditor', 'admin')
  @ApiOkResponse({
    type: AuditVerificationResponse,
    description: 'Whether the hash chain holds, or its first broken link',
  })
  verify(): Promise<AuditVerificationResponse> {
    return this.audit.verify();
  }
}
