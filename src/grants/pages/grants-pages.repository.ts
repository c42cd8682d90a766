import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface EventChoiceRow {
  id: string;
  code: string;
  name: string;
  starts_on: string;
  eligibility_rule: string;
}

export interface ParticipantChoiceRow {
  id: string;
  name: string;
  country: string;
  organisation: string;
}

const CHOICES = 500;

/** What the grant request form offers to choose from: events and participants, read only. */
@Injectable()
export class GrantsPagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Events, the latest first. */
  events(): Promise<EventChoiceRow[]> {
    return this.dataSource.manager.query<EventChoiceRow[]>(
      `SELECT id, code, name, starts_on::text AS starts_on, eligibility_rule
         FROM grant_event ORDER BY starts_on DESC, code LIMIT $1`,
      [CHOICES],
    );
  }

  /** Participants by name. */
  participants(): Promise<ParticipantChoiceRow[]> {
    return this.dataSource.manager.query<ParticipantChoiceRow[]>(
      `SELECT id, name, country, organisation
         FROM participant ORDER BY normalized_name, country, id LIMIT $1`,
      [CHOICES],
    );
  }
}
