import { Public } from '../auth/access.decorator';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { API_V1 } from '../common/api';
import { InfoResponse } from './dto/info.response';
import { InfoService } from './info.service';

@ApiTags('system')
@Controller(`${API_V1}/info`)
@Public()
export class InfoController {
  constructor(private readonly infoService: InfoService) {}

  @Get()
  @ApiOkResponse({ type: InfoResponse, description: 'Version and database of this instance.' })
  info(): Promise<InfoResponse> {
    return this.infoService.info();
  }
}
