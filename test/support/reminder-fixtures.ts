import { NestExpressApplication } from '@nestjs/platform-express';
import request, { Response } from 'supertest';

type Auth = { Authorization: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
export type Body = Record<string, any>;

export interface ContactFixture {
  name: string;
  email?: string;
  receivesStatements?: boolean;
}

/** Donors, agreed pledges and reminder runs through the API, as a finance officer. */
export class ReminderFixtures {
  private donors = 0;

  constructor(
    private readonly app: NestExpressApplication,
    readonly officer: Auth,
  ) {}

  private post(url: string, body: object): request.Test {
    return request(this.app.getHttpServer()).post(url).set(this.officer).send(body);
  }

  /** The UN rate CHF needs for agreements in 2025–2026 (a CHF pledge in a CHF fund). */
  async rates(): Promise<void> {
    const res = await this.post('/api/v1/exchange-rates', {
      currency: 'CHF',
      effectiveFrom: '2025-01-01',
      unitsPerUsd: '0.90',
    });
    expect(res.status).toBe(201);
  }

  async donor(name: string, language: string, contacts: ContactFixture[] = []): Promise<string> {
    this.donors += 1;
    const res = await this.post('/api/v1/donors', {
      name: `${name} ${this.donors}`,
      type: 'member_state',
      statementLanguage: language,
      contacts,
      confirmDuplicate: true,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  /** A CHF pledge to WSIS-TF with this schedule ([due date, amount]), agreed unless told not. */
  async pledge(
    donorId: string,
    instalments: Array<[string, string]>,
    options: { agreedOn?: string | null } = {},
  ): Promise<Body> {
    const total = instalments
      .map(([, amount]) => BigInt(amount.replace('.', '')))
      .reduce((a, b) => a + b, 0n);
    const created = await this.post('/api/v1/pledges', {
      fund: 'WSIS-TF',
      donorId,
      currency: 'CHF',
      amount: `${total / 100n}.${String(total % 100n).padStart(2, '0')}`,
      announcedOn: '2026-01-15',
      instalments: instalments.map(([dueDate, amount]) => ({ dueDate, amount })),
    });
    expect(created.status).toBe(201);
    const agreedOn = options.agreedOn === undefined ? '2026-02-10' : options.agreedOn;
    if (agreedOn === null) return created.body as Body;
    const agreed = await this.post(`/api/v1/pledges/${created.body.id as string}/agreement`, {
      agreedOn,
      documentRef: `AGR-${created.body.reference as string}`,
    });
    expect(agreed.status).toBe(200);
    return agreed.body as Body;
  }

  async setPolicy(fund: string, policy: object): Promise<Response> {
    return request(this.app.getHttpServer())
      .put(`/api/v1/funds/${fund}/reminder-policy`)
      .set(this.officer)
      .send(policy);
  }

  /** POST /reminders/run as of `date`: the answer, checked to be 200. */
  async run(date: string): Promise<Body> {
    const res = await this.post('/api/v1/reminders/run', { date });
    expect(res.status).toBe(200);
    expect(res.body.failures).toEqual([]);
    return res.body as Body;
  }
}

/** What a run sent, as comparable tuples: [pledge reference, instalment, step]. */
export function sentSteps(run: Body): Array<[string, number, number]> {
  return (run.sent as Body[])
    .map((r): [string, number, number] => [r.pledgeReference, r.instalment, r.step])
    .sort((a, b) => (a[0] + a[1] + a[2] < b[0] + b[1] + b[2] ? -1 : 1));
}
