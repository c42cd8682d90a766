import { Role, ROLES } from '../auth/roles';
import { loadUiCatalogue } from './ui-i18n';
import { NAVIGATION, navigationFor, START_PAGE_PRECEDENCE, startPageFor } from './navigation';

const hrefs = (roles: Role[] | null): string[] =>
  navigationFor(roles === null ? null : { roles }, null).map((link) => link.href);

describe('startPageFor', () => {
  it.each([
    ['finance_officer', '/work'],
    ['admin', '/work'],
    ['approver', '/approvals'],
    ['management', '/dashboard'],
    ['auditor', '/audit'],
    ['donor', '/portal'],
  ] as const)('sends a %s to %s', (role, page) => {
    expect(startPageFor([role])).toBe(page);
  });

  it('takes the first of admin, finance_officer, approver, management, auditor, donor', () => {
    expect(startPageFor(['donor', 'auditor'])).toBe('/audit');
    expect(startPageFor(['auditor', 'management'])).toBe('/dashboard');
    expect(startPageFor(['management', 'approver'])).toBe('/approvals');
    expect(startPageFor(['approver', 'finance_officer'])).toBe('/work');
    expect(startPageFor(['donor', 'admin'])).toBe('/work');
  });

  it('has no start page for a user without a role, and one for every role', () => {
    expect(startPageFor([])).toBeUndefined();
    expect([...START_PAGE_PRECEDENCE].sort()).toEqual([...ROLES].sort());
  });
});

describe('navigationFor', () => {
  it('shows someone not signed in the home page, the API and nothing of the fund', () => {
    expect(hrefs(null)).toEqual(['/', '/api/docs']);
  });

  it('shows a donor its portal, its statements and the API only', () => {
    expect(hrefs(['donor'])).toEqual(['/portal', '/statements', '/api/docs']);
  });

  it('shows the work queues to officers, the audit trail to auditors and admins', () => {
    expect(hrefs(['finance_officer'])).toContain('/work');
    expect(hrefs(['finance_officer'])).not.toContain('/audit');
    expect(hrefs(['auditor'])).toContain('/audit');
    expect(hrefs(['auditor'])).not.toContain('/work');
    expect(hrefs(['admin'])).toEqual(expect.arrayContaining(['/work', '/audit', '/approvals']));
    expect(hrefs(['management'])).not.toContain('/approvals');
    // A signed-in user's "/" is its start page: the home link is for visitors only.
    for (const role of ROLES) expect(hrefs([role])).not.toContain('/');
  });

  it('shows a user of several roles every link of each', () => {
    expect(hrefs(['management', 'donor'])).toEqual(
      expect.arrayContaining(['/dashboard', '/portal', '/statements']),
    );
  });

  it('marks the link of the page shown, and only that one', () => {
    const links = navigationFor({ roles: ['auditor'] }, 'audit');
    expect(links.filter((link) => link.current).map((link) => link.href)).toEqual(['/audit']);
  });

  it('names every link in the interface catalogue', () => {
    const english = loadUiCatalogue('en');
    expect(NAVIGATION.filter((item) => !english.has(item.label))).toEqual([]);
  });
});
