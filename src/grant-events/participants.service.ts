import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { isUuid } from '../common/uuid';
import { Money } from '../money/money';
import {
  CreateParticipantRequest,
  DEFAULT_PARTICIPANT_PAGE,
  DuplicateParticipantResponse,
  ListParticipantsQuery,
  ParticipantGrantResponse,
  ParticipantPageResponse,
  ParticipantResponse,
} from './dto/participant.dto';
import {
  InvalidParticipantError,
  ParticipantDuplicateError,
  ParticipantNotFoundError,
} from './grant-events.errors';
import { emailKey, participantNameKey, searchWords } from './participant-name';
import { NewParticipant, ParticipantRow, ParticipantsRepository } from './participants.repository';

/**
 * The people grants are requested for. The same person recorded twice is caught when recorded:
 * the same name (case, accents, spacing and word order aside) in the same country, or the same
 * e-mail address, is refused (409) until the officer confirms that it is another person, so
 * that the per-person limits on grants count one person once.
 */
@Injectable()
export class ParticipantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
    private readonly repository: ParticipantsRepository,
  ) {}

  create(
    actor: Actor,
    request: CreateParticipantRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ParticipantResponse>> {
    return this.idempotency.run(actor, idempotency, 201, async (manager) => {
      const participant = await this.checked(manager, actor, request);
      // The check reads committed participants only: creations take turns, or both would pass.
      await this.repository.lockNames(manager);
      const duplicates = await this.duplicatesOf(manager, participant);
      const confirmed = request.confirmDuplicate === true;
      if (duplicates.length > 0 && !confirmed) throw new ParticipantDuplicateError(duplicates);
      const id = await this.repository.insert(manager, participant);
      const created = toParticipantResponse((await this.repository.find(manager, id))!);
      await this.audit.record(manager, actor, {
        action: 'participant.create',
        entityType: 'participant',
        entityId: id,
        // Who confirmed a duplicate warning, and against whom, is part of the record.
        after:
          duplicates.length > 0
            ? { ...created, confirmDuplicate: true, confirmedDuplicateOf: duplicates }
            : created,
      });
      return created;
    });
  }

  async list(_actor: Actor, query: ListParticipantsQuery): Promise<ParticipantPageResponse> {
    const limit = query.limit ?? DEFAULT_PARTICIPANT_PAGE;
    const offset = query.offset ?? 0;
    const { rows, total } = await this.repository.list(
      this.dataSource.manager,
      { words: searchWords(query.q ?? ''), country: query.country },
      { limit, offset },
    );
    return { items: rows.map(toParticipantResponse), total, limit, offset };
  }

  async get(_actor: Actor, id: string): Promise<ParticipantResponse> {
    return toParticipantResponse(await this.require(this.dataSource.manager, id));
  }

  /** The participant's grants (for its page), latest decision first; 404 if there is none. */
  async grants(_actor: Actor, id: string): Promise<ParticipantGrantResponse[]> {
    const manager = this.dataSource.manager;
    const participant = await this.require(manager, id);
    return (await this.repository.grants(manager, participant.id)).map((row) => ({
      id: row.id,
      number: row.number,
      event: { id: row.event_id, code: row.event_code, name: row.event_name },
      kind: row.kind,
      amount: Money.fromMinor(row.amount_minor, row.currency).toJSON(),
      decisionDate: row.decision_date,
      status: row.status,
    }));
  }

  /** The participant's row, read in the caller's transaction; undefined if there is none. */
  find(manager: EntityManager, id: string): Promise<ParticipantRow | undefined> {
    return isUuid(id) ? this.repository.find(manager, id) : Promise.resolve(undefined);
  }

  /** As find, and ParticipantNotFoundError (404) when there is no such participant. */
  async require(manager: EntityManager, id: string): Promise<ParticipantRow> {
    const row = await this.find(manager, id);
    if (row === undefined) throw new ParticipantNotFoundError(id);
    return row;
  }

  /** Every country (English and French names, by English name), for the participant pages. */
  countries(): Promise<{ alpha2: string; name_en: string; name_fr: string }[]> {
    return this.repository.countries(this.dataSource.manager);
  }

  /** The rules the request's shape cannot check: the country must be in the reference data. */
  private async checked(
    manager: EntityManager,
    actor: Actor,
    request: CreateParticipantRequest,
  ): Promise<NewParticipant> {
    if (!(await this.repository.countryExists(manager, request.country))) {
      throw new InvalidParticipantError([
        {
          field: 'country',
          rule: 'knownCountry',
          reason: `country ${request.country} is not a known ISO 3166-1 country`,
        },
      ]);
    }
    const name = request.name.trim().replace(/\s+/g, ' ');
    return {
      name,
      normalizedName: participantNameKey(name),
      gender: request.gender,
      country: request.country,
      organisation: request.organisation.trim(),
      stakeholderGroup: request.stakeholderGroup,
      email: blankToNull(request.email),
      phone: blankToNull(request.phone),
      createdBy: actor.id,
    };
  }

  private async duplicatesOf(
    manager: EntityManager,
    participant: NewParticipant,
  ): Promise<DuplicateParticipantResponse[]> {
    const email = participant.email === null ? null : emailKey(participant.email);
    const rows = await this.repository.samePerson(manager, {
      normalizedName: participant.normalizedName,
      country: participant.country,
      email,
    });
    return rows.map((row) => {
      const matched: DuplicateParticipantResponse['matched'] = [];
      if (row.normalized_name === participant.normalizedName && row.country === participant.country)
        matched.push('name-and-country');
      if (email !== null && row.email !== null && emailKey(row.email) === email)
        matched.push('email');
      return {
        id: row.id,
        name: row.name,
        country: row.country,
        organisation: row.organisation,
        email: row.email,
        matched,
      };
    });
  }
}

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

export function toParticipantResponse(row: ParticipantRow): ParticipantResponse {
  return {
    id: row.id,
    name: row.name,
    gender: row.gender,
    country: row.country,
    countryName: row.country_name,
    organisation: row.organisation,
    stakeholderGroup: row.stakeholder_group,
    email: row.email,
    phone: row.phone,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
