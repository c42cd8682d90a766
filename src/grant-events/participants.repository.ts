import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../common/calendar-date';
import { GrantKind, GrantStatus } from './dto/grant-event.dto';
import { Gender, StakeholderGroup } from './dto/participant.dto';

export interface ParticipantRow {
  id: string;
  name: string;
  normalized_name: string;
  gender: Gender;
  country: string;
  /** The country's English name, joined for display. */
  country_name: string;
  organisation: string;
  stakeholder_group: StakeholderGroup;
  email: string | null;
  phone: string | null;
  created_by: string;
  created_at: Date;
}

export interface ParticipantGrantRow {
  id: string;
  number: string;
  event_id: string;
  event_code: string;
  event_name: string;
  kind: GrantKind;
  currency: string;
  amount_minor: string;
  decision_date: CalendarDate;
  status: GrantStatus;
}

export interface NewParticipant {
  name: string;
  normalizedName: string;
  gender: Gender;
  country: string;
  organisation: string;
  stakeholderGroup: StakeholderGroup;
  email: string | null;
  phone: string | null;
  createdBy: string;
}

export interface ParticipantFilter {
  /** Folded words, each of which must occur in the normalized name. */
  words: string[];
  country?: string;
}

/**
 * The advisory lock a participant's creation holds while it looks for the same person and
 * inserts (7_310_020_001 to 005 are taken: migrations, audit chain, first admin, donor names):
 * two officers recording the same person at once are checked one after the other.
 */
export const PARTICIPANT_NAMES_LOCK_KEY = 7_310_020_007;

const PARTICIPANT_SELECT = `
  SELECT p.id, p.name, p.normalized_name, p.gender, p.country, c.name_en AS country_name,
         p.organisation, p.stakeholder_group, p.email, p.phone, p.created_by, p.created_at
    FROM participant p JOIN country c ON c.alpha2 = p.country`;

/** SQL of participants (the people grants are requested for). */
@Injectable()
export class ParticipantsRepository {
  async insert(manager: EntityManager, participant: NewParticipant): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO participant (name, normalized_name, gender, country, organisation,
                                stakeholder_group, email, phone, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        participant.name,
        participant.normalizedName,
        participant.gender,
        participant.country,
        participant.organisation,
        participant.stakeholderGroup,
        participant.email,
        participant.phone,
        participant.createdBy,
      ],
    );
    return row.id;
  }

  async find(manager: EntityManager, id: string): Promise<ParticipantRow | undefined> {
    const rows = await manager.query<ParticipantRow[]>(`${PARTICIPANT_SELECT} WHERE p.id = $1`, [
      id,
    ]);
    return rows[0];
  }

  /** Held until the transaction ends; taken before the audit chain's, never after it. */
  async lockNames(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [PARTICIPANT_NAMES_LOCK_KEY]);
  }

  /** Participants with this normalized name in this country, or with this e-mail (any case). */
  samePerson(
    manager: EntityManager,
    key: { normalizedName: string; country: string; email: string | null },
  ): Promise<ParticipantRow[]> {
    return manager.query<ParticipantRow[]>(
      `${PARTICIPANT_SELECT}
        WHERE (p.normalized_name = $1 AND p.country = $2)
           OR ($3::text IS NOT NULL AND lower(btrim(p.email)) = $3::text)
        ORDER BY p.created_at, p.id
        LIMIT 20`,
      [key.normalizedName, key.country, key.email],
    );
  }

  async list(
    manager: EntityManager,
    filter: ParticipantFilter,
    page: { limit: number; offset: number },
  ): Promise<{ rows: ParticipantRow[]; total: number }> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    // Folded words hold only letters and digits, no LIKE wildcards: no escaping needed.
    for (const word of filter.words) {
      params.push(word);
      conditions.push(`p.normalized_name LIKE '%' || $${params.length} || '%'`);
    }
    if (filter.country !== undefined) {
      params.push(filter.country);
      conditions.push(`p.country = $${params.length}`);
    }
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const rows = await manager.query<ParticipantRow[]>(
      `${PARTICIPANT_SELECT} ${where}
        ORDER BY p.normalized_name COLLATE "C", p.name COLLATE "C", p.id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    );
    const [count] = await manager.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM participant p ${where}`,
      params,
    );
    return { rows, total: count.total };
  }

  /** The participant's grants, latest decision first. */
  grants(manager: EntityManager, participantId: string): Promise<ParticipantGrantRow[]> {
    return manager.query<ParticipantGrantRow[]>(
      `SELECT g.id, g.number, e.id AS event_id, e.code AS event_code, e.name AS event_name,
              g.kind, f.functional_currency AS currency, g.amount_minor::text AS amount_minor,
              to_char(g.decision_date, 'YYYY-MM-DD') AS decision_date,
              coalesce((SELECT s.kind FROM grant_step s WHERE s.grant_id = g.id
                         ORDER BY s.id DESC LIMIT 1), 'requested') AS status
         FROM participation_grant g
         JOIN grant_event e ON e.id = g.event_id
         JOIN fund f ON f.id = g.fund_id
        WHERE g.participant_id = $1
        ORDER BY g.decision_date DESC, g.number COLLATE "C"`,
      [participantId],
    );
  }

  async countryExists(manager: EntityManager, alpha2: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(`SELECT 1 FROM country WHERE alpha2 = $1`, [
      alpha2,
    ]);
    return rows.length > 0;
  }

  /** Every country with its English and French names, for the forms' lists (by English name). */
  countries(
    manager: EntityManager,
  ): Promise<{ alpha2: string; name_en: string; name_fr: string }[]> {
    return manager.query(`SELECT alpha2, name_en, name_fr FROM country ORDER BY name_en, alpha2`);
  }
}
