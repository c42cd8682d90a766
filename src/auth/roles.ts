/** The roles of the system. A user may hold several. */
export const ROLES = [
  'admin',
  'finance_officer',
  'approver',
  'management',
  'auditor',
  'donor',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Everyone who works for the fund (everyone but donors). */
export const STAFF: readonly Role[] = [
  'admin',
  'finance_officer',
  'approver',
  'management',
  'auditor',
];
