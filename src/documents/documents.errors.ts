import { ServiceUnavailableError } from '../common/errors/app-error';

/** No headless Chromium to print with (not installed, or it would not start). */
export class PdfUnavailableError extends ServiceUnavailableError {
  constructor(reason: string) {
    super(
      'pdf-unavailable',
      `PDF documents cannot be produced at the moment: ${reason}. The HTML version is available.`,
      30,
    );
  }
}
