/** Workspace settings: validated, stored in the workspace, and the reporting currency guarded. */
import { describe, expect, it } from 'vitest';
import { importFile } from '../src/warehouse/import/import.js';
import { getSettings, setSetting } from '../src/warehouse/schema/settings.js';
import { memoryWorkspace, tmp, writeFixture } from './helpers/workspace.js';

describe('settings', () => {
  it('defaults, validates and stores settings; the reporting currency drives FX at import', async () => {
    const wh = await memoryWorkspace();
    try {
      expect(await getSettings(wh)).toMatchObject({ currency: 'USD', timezone: 'UTC', activity_window: '365d', gross_margin: '1.0' });
      await setSetting(wh, 'currency', 'eur');
      await setSetting(wh, 'timezone', 'Europe/Berlin');
      await setSetting(wh, 'gross_margin', '0.4');
      expect(await getSettings(wh)).toMatchObject({ currency: 'EUR', timezone: 'Europe/Berlin', gross_margin: '0.4' });
      await expect(setSetting(wh, 'timezone', 'Mars/Olympus')).rejects.toMatchObject({ code: 'bad-setting' });
      await expect(setSetting(wh, 'gross_margin', '1.5')).rejects.toMatchObject({ code: 'bad-setting' });
      await expect(setSetting(wh, 'colour', 'red')).rejects.toMatchObject({ code: 'unknown-setting' });
      // An order in EUR needs no rate now; one in USD does.
      const s = await importFile(wh, { table: 'orders', file: writeFixture(tmp(), 'o.csv', 'order_id,customer_id,ordered_at,amount,currency\n1,c,2024-01-01,5,EUR\n2,c,2024-01-01,5,USD\n') });
      expect(s).toMatchObject({ accepted: 1, quarantined: 1 });
      await expect(setSetting(wh, 'currency', 'GBP')).rejects.toMatchObject({ code: 'currency-after-import' });
      await setSetting(wh, 'currency', 'EUR'); // unchanged: allowed
    } finally {
      await wh.close();
    }
  });
});
