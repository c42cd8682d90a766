import { Injectable } from '@nestjs/common';
import { DatabaseConnection } from '../database/database-connection';
import { startPageFor } from './navigation';
import { PageResult } from './page-response';
import { uiText } from './ui-i18n';
import { ViewRenderer, Viewer } from './view-renderer';

@Injectable()
export class WebService {
  constructor(
    private readonly views: ViewRenderer,
    private readonly database: DatabaseConnection,
  ) {}

  /**
   * `/`: a signed-in user goes on to its start page (its work, approvals, dashboard…); the home
   * page is for those not signed in, and for a user who holds no role yet.
   */
  async home(viewer: Viewer): Promise<PageResult> {
    const start = viewer.actor === undefined ? undefined : startPageFor(viewer.actor.roles);
    if (start !== undefined) return { redirect: start };
    return { status: 200, html: await this.homePage(viewer) };
  }

  async homePage(viewer: Viewer): Promise<string> {
    return this.views.render(
      'home',
      {
        title: uiText('home.title'),
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
