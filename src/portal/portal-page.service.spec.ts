import { PLEDGE_STATUSES } from '../pledges/pledge-status';
import { RECEIPT_STATUSES } from '../receipts/dto/receipt.dto';
import { loadUiCatalogue, UI_LANGUAGES } from '../web/ui-i18n';

// The portal shows every status a donor's pledges, instalments and receipts can have; a label
// missing from a catalogue would fail the whole page (a missing key throws), so each is checked.
describe('the portal’s status labels', () => {
  it.each(UI_LANGUAGES)('names every pledge, instalment and receipt status in %s', (language) => {
    const catalogue = loadUiCatalogue(language);
    const wanted = [
      ...PLEDGE_STATUSES.map((status) => `portal.status.pledge.${status}`),
      ...PLEDGE_STATUSES.map((status) => `portal.status.instalment.${status}`),
      ...RECEIPT_STATUSES.map((status) => `portal.status.receipt.${status}`),
    ];
    expect(wanted.filter((key) => !catalogue.has(key))).toEqual([]);
  });
});
