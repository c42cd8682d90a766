import { AppError, ConflictError } from '../common/errors/app-error';

/** Also the answer to a donor user asking for another donor's document: ids do not leak. */
export class DocumentNotFoundError extends AppError {
  constructor(what: string, id: string) {
    super(404, 'document-not-found', 'Document not found', `There is no ${what} ${id}.`);
  }
}

/** Only the latest version of a document may be corrected: versions form a chain. */
export class DocumentAlreadyReplacedError extends ConflictError {
  constructor(number: string, version: number, replacedBy: { id: string; version: number }) {
    super(
      'document-already-replaced',
      `${number} version ${version} was already replaced by version ${replacedBy.version}: ` +
        'correct the latest version instead.',
      { replacedById: replacedBy.id },
    );
  }
}

/** A receipt is thanked for once; a change to its letter is a correction of that letter. */
export class AcknowledgementExistsError extends ConflictError {
  constructor(receiptNumber: string, existing: { id: string; number: string }) {
    super(
      'acknowledgement-exists',
      `Receipt ${receiptNumber} already has acknowledgement ${existing.number}: issue a ` +
        'correction of it to send a new version.',
      { existingId: existing.id },
    );
  }
}

/** E-mail needs someone to send to: a contact of the donor who receives statements. */
export class NoDocumentRecipientError extends ConflictError {
  constructor(donorName: string) {
    super(
      'no-document-recipient',
      `${donorName} has no contact who receives statements: mark a contact with an e-mail ` +
        'address as receiving statements on the donor, then send again.',
    );
  }
}
