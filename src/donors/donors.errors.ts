import { AppError } from '../common/errors/app-error';
import { CloseDonorResponse } from './dto/donor.dto';

/** Also the answer to a donor user asking for another donor: ids of others do not leak. */
export class DonorNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'donor-not-found', 'Donor not found', `There is no donor ${id}.`);
  }
}

/** Nothing was written; the same request with `confirmDuplicate: true` creates the donor. */
export class DonorPossibleDuplicateError extends AppError {
  constructor(
    name: string,
    readonly duplicates: CloseDonorResponse[],
  ) {
    super(
      409,
      'donor-possible-duplicate',
      'Possible duplicate donor',
      `${duplicates.length === 1 ? 'A donor has' : `${duplicates.length} donors have`} a name ` +
        `close to "${name}": check that it is not already recorded, then send the request again ` +
        'with confirmDuplicate: true to create it anyway.',
      undefined,
      { duplicates },
    );
  }
}
