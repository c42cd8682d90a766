import { Role, STAFF } from '../auth/roles';
import type { Actor } from '../common/actor';
import { DOCUMENT_READERS } from '../statements/document-access';

/** Who works through the officers' queues (/work): the same roles as its controller. */
export const WORK_QUEUE_READERS: readonly Role[] = ['finance_officer', 'admin'];

/** Who may see a link: a signed-in user holding one of the roles, anyone, or only the anonymous. */
export type NavAudience = readonly Role[] | 'everyone' | 'anonymous';

/** One link of the header: where it goes, its text in src/web/i18n/<lang>/nav.json, who sees it. */
export interface NavItem {
  /** The page's `active` value, so that the link of the page shown carries aria-current. */
  readonly id: string;
  readonly href: string;
  /** Catalogue key of the link's text. */
  readonly label: string;
  readonly audience: NavAudience;
}

/**
 * The header's links, in order. Each item's roles are the access rule of the route it links to
 * (the @Access of its GET handler), so that nobody is shown a link that answers 403; the test
 * test/e2e/navigation.spec.ts signs in each role and follows every link to prove it.
 */
export const NAVIGATION: readonly NavItem[] = [
  { id: 'home', href: '/', label: 'nav.home', audience: 'anonymous' },
  { id: 'work', href: '/work', label: 'nav.work', audience: WORK_QUEUE_READERS },
  { id: 'portal', href: '/portal', label: 'nav.portal', audience: ['donor'] },
  { id: 'donors', href: '/donors', label: 'nav.donors', audience: STAFF },
  { id: 'pledges', href: '/pledges', label: 'nav.pledges', audience: STAFF },
  { id: 'receipts', href: '/receipts', label: 'nav.receipts', audience: STAFF },
  { id: 'bank-reconciliation', href: '/bank-reconciliation', label: 'nav.bank', audience: STAFF },
  { id: 'grants', href: '/grant-events', label: 'nav.grants', audience: STAFF },
  { id: 'grant-requests', href: '/grants', label: 'nav.grantRequests', audience: STAFF },
  { id: 'reports', href: '/reports', label: 'nav.reports', audience: STAFF },
  { id: 'dashboard', href: '/dashboard', label: 'nav.dashboard', audience: STAFF },
  // Staff, and donors their own documents.
  { id: 'statements', href: '/statements', label: 'nav.statements', audience: DOCUMENT_READERS },
  // APPROVAL_READERS of src/approvals/pages/approvals-page.controller.ts (not imported: the
  // controller's module renders pages, and the renderer's helpers import this file).
  {
    id: 'approvals',
    href: '/approvals',
    label: 'nav.approvals',
    audience: ['finance_officer', 'approver', 'admin', 'auditor'],
  },
  { id: 'audit', href: '/audit', label: 'nav.audit', audience: ['auditor', 'admin'] },
  { id: 'api', href: '/api/docs', label: 'nav.api', audience: 'everyone' },
];

/** A header link as the template renders it. */
export interface NavLink {
  readonly href: string;
  readonly label: string;
  readonly current: boolean;
}

export function mayUse(item: NavItem, actor: Pick<Actor, 'roles'> | null | undefined): boolean {
  if (item.audience === 'everyone') return true;
  if (item.audience === 'anonymous') return actor === null || actor === undefined;
  const roles = item.audience;
  return (actor?.roles ?? []).some((role) => roles.includes(role));
}

/** The links `actor` (undefined: nobody signed in) may use, the one of page `active` marked. */
export function navigationFor(
  actor: Pick<Actor, 'roles'> | null | undefined,
  active: unknown,
): NavLink[] {
  return NAVIGATION.filter((item) => mayUse(item, actor)).map((item) => ({
    href: item.href,
    label: item.label,
    current: item.id === active,
  }));
}

/** Each role's own first page. */
export const START_PAGES: Readonly<Record<Role, string>> = {
  admin: '/work',
  finance_officer: '/work',
  approver: '/approvals',
  management: '/dashboard',
  auditor: '/audit',
  donor: '/portal',
};

/** Which role's start page a user holding several roles lands on: the first one it holds. */
export const START_PAGE_PRECEDENCE: readonly Role[] = [
  'admin',
  'finance_officer',
  'approver',
  'management',
  'auditor',
  'donor',
];

/** Where a signed-in user starts: its first role's page, or undefined for a user with no role. */
export function startPageFor(roles: readonly Role[]): string | undefined {
  const role = START_PAGE_PRECEDENCE.find((candidate) => roles.includes(candidate));
  return role === undefined ? undefined : START_PAGES[role];
}
