import { PdfUnavailableError } from './documents.errors';
import { PdfRenderer } from './pdf-renderer';

describe(PdfRenderer.name, () => {
  it('refuses with a 503 problem when there is no chromium to print with', async () => {
    const printer = new PdfRenderer();
    printer.executablePath = '/nonexistent/chromium';
    expect(printer.available()).toBe(false);
    const refusal = printer.pdf('<p>x</p>', { language: 'en', headerText: 'ST-2026-000001' });
    await expect(refusal).rejects.toBeInstanceOf(PdfUnavailableError);
    await expect(refusal).rejects.toMatchObject({
      status: 503,
      code: 'pdf-unavailable',
      detail: expect.stringContaining('/nonexistent/chromium') as unknown,
    });
    // Nothing was started, so there is nothing to close; closing twice is harmless.
    await printer.close();
    await printer.close();
  });
});
