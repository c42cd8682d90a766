import { Injectable } from '@nestjs/common';
import { PledgeStatus } from '../pledges/pledge-status';
import { ReceiptStatus } from '../receipts/dto/receipt.dto';
import { IssuedDocumentResponse } from '../statements/dto/issued-document.dto';
import { currentLanguage, UI_LOCALES, uiText } from '../web/ui-i18n';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import { PortalDonor, PortalService } from './portal.service';

/** A status's label in the interface's language, its badge's colour class, and its code. */
interface Status {
  code: string;
  label: string;
  badge: string;
}

/** The badge colour of each receipt status, among the pledge statuses' colours. */
const RECEIPT_BADGES: Record<ReceiptStatus, PledgeStatus> = {
  allocated: 'paid',
  'partially-allocated': 'partially-paid',
  unapplied: 'announced',
  unidentified: 'announced',
  refunded: 'cancelled',
  reversed: 'cancelled',
};

/**
 * The donor portal's pages: a donor user's own pledges, payments, instalments due, issued
 * documents and the use of its earmarked money (GET /portal), and one pledge's schedule and
 * payments (GET /portal/pledges/:id). Read-only: the portal has no form but the donor chooser.
 */
@Injectable()
export class PortalPageService {
  constructor(
    private readonly portal: PortalService,
    private readonly views: ViewRenderer,
  ) {}

  async overview(query: Record<string, unknown>, viewer: Viewer): Promise<string> {
    const actor = viewer.actor!;
    const donors = await this.portal.linkedDonors(actor);
    const title = uiText('portal.title');
    if (donors.length === 0) {
      return this.views.render(
        'portal/overview',
        { title, active: 'portal', linked: false },
        viewer,
      );
    }
    const asked = typeof query.donor === 'string' && query.donor !== '' ? query.donor : null;
    const data = await this.portal.overview(actor, asked ?? donors[0].id);
    const countries = displayNames('region');
    return this.views.render(
      'portal/overview',
      {
        title,
        active: 'portal',
        linked: true,
        donor: data.donor,
        asOf: data.asOf,
        chooser: donors.length > 1 ? chooser(donors, data.donor.id) : null,
        funds: data.funds.map((fund) => ({
          code: fund.fund.code,
          name: fund.fund.name,
          figures: fund.figures,
          grantUse: {
            ...fund.grantUse,
            funded: fund.grantUse.grants > 0,
            countryNames: fund.grantUse.countries.map(countries).join(', '),
            ldcShare: uiText('portal.use.ldcShare', {
              ldc: fund.grantUse.ldcGrants,
              grants: fund.grantUse.grants,
              percent: percent(fund.grantUse.ldcGrants, fund.grantUse.grants),
            }),
          },
          earmarks: fund.earmarks,
        })),
        figuresCount: data.funds.reduce((all, fund) => all + fund.figures.length, 0),
        pledges: data.pledges.map((pledge) => ({
          ...pledge,
          href: `/portal/pledges/${pledge.id}`,
          status: pledgeStatus(pledge.status),
        })),
        instalmentsDue: data.instalmentsDue.map((due) => ({
          ...due,
          href: due.pledgeId === null ? null : `/portal/pledges/${due.pledgeId}`,
        })),
        payments: data.payments.map((payment) => ({
          ...payment,
          status: receiptStatus(payment.status),
        })),
        statements: data.statements.map(documentRow),
        acknowledgements: data.acknowledgements.map(documentRow),
      },
      viewer,
    );
  }

  async pledge(id: string, viewer: Viewer): Promise<string> {
    const { pledge, payments, donor } = await this.portal.pledge(viewer.actor!, id);
    const several = viewer.actor!.donorIds.length > 1;
    return this.views.render(
      'portal/pledge',
      {
        title: uiText('portal.pledge.title', { reference: pledge.reference }),
        active: 'portal',
        pledge: { ...pledge, status: pledgeStatus(pledge.status) },
        donor,
        backHref: several ? `/portal?donor=${donor.id}` : '/portal',
        instalments: pledge.instalments.map((instalment) => ({
          ...instalment,
          status: instalmentStatus(instalment.status),
          overdue: instalment.status === 'overdue',
        })),
        payments,
      },
      viewer,
    );
  }
}

function chooser(donors: readonly PortalDonor[], current: string): Record<string, unknown>[] {
  return donors.map((donor) => ({
    name: donor.name,
    href: `/portal?donor=${donor.id}`,
    current: donor.id === current,
  }));
}

function pledgeStatus(code: PledgeStatus): Status {
  return { code, label: uiText(`portal.status.pledge.${code}`), badge: code };
}

/** An instalment's status: "agreed" for an instalment is one not yet due. */
function instalmentStatus(code: PledgeStatus): Status {
  return { code, label: uiText(`portal.status.instalment.${code}`), badge: code };
}

function receiptStatus(code: ReceiptStatus): Status {
  return { code, label: uiText(`portal.status.receipt.${code}`), badge: RECEIPT_BADGES[code] };
}

function documentRow(document: IssuedDocumentResponse): Record<string, unknown> {
  return {
    id: document.id,
    href: `/documents/${document.id}`,
    number: document.number,
    version: document.version,
    laterVersion: document.version > 1,
    replaced: document.replaced,
    fund: document.fund ?? uiText('portal.documents.allFunds'),
    period: document.period,
    receiptNumber: document.receipt?.number ?? null,
    language: displayNames('language')(document.language),
    issuedOn: document.issuedOn,
    pdfHref: document.links.pdf,
    htmlHref: document.links.html,
  };
}

/**
 * Names of countries ("Ethiopia", "Éthiopie") or languages ("French", "français") in the
 * interface's language; the code itself if unknown.
 */
function displayNames(type: 'region' | 'language'): (code: string) => string {
  const names = new Intl.DisplayNames([UI_LOCALES[currentLanguage()]], { type });
  return (code) => {
    try {
      return names.of(code) ?? code;
    } catch {
      return code;
    }
  };
}

/** A share of counts (not money) as a whole percentage, rounded half up. */
function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.floor((part * 200 + whole) / (2 * whole));
}
