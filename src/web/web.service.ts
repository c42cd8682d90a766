import { Injectable } from '@nestjs/common';
import { DatabaseConnection } from '../database/database-connection';
import { ViewRenderer, Viewer } from './view-renderer';

@Injectable()
export class WebService {
  constructor(
    private readonly views: ViewRenderer,
    private readonly database: DatabaseConnection,
  ) {}

  async homePage(viewer: Viewer): Promise<string> {
    return this.views.render(
      'home',
      {
        title: 'Home',
        active: 'home',
        status: await this.systemStatus(),
      },
      viewer,
    );
  }

  async systemStatusPartial(): Promise<string> {
    return this.views.renderPartial('system-status', await this.systemStatus());
  }

  private async systemStatus(): Promise<Record<string, unknown>> {
    const [{ count }] = await this.database.dataSource.query<{ count: string }[]>(
      `SELECT count(*)::text AS count FROM typeorm_migrations`,
    );
    return {
      engine: this.database.engine,
      migrationCount: Number(count),
      checkedAt: new Date().toISOString(),
    };
  }
}
