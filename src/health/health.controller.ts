import { Public } from '../auth/access.decorator';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthService, ReadinessReport } from './health.service';

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'The process is running.' })
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'The application can serve requests: its database answers.' })
  @ApiServiceUnavailableResponse({ description: 'Database unreachable, or shutting down.' })
  ready(): Promise<ReadinessReport> {
    return this.health.readiness();
  }
}
