import { Role, STAFF } from '../auth/roles';

/** Who issues, corrects and sends documents to donors. */
export const DOCUMENT_ISSUERS: readonly Role[] = ['finance_officer', 'admin'];

/** Who reads issued documents: every staff member, and donor users their own donor's only. */
export const DOCUMENT_READERS: readonly Role[] = [...STAFF, 'donor'];

/** Who previews drafts (nothing stored): staff, as they read the ledger the draft shows. */
export const DOCUMENT_PREVIEWERS: readonly Role[] = STAFF;
