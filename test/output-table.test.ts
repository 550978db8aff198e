/** The terminal table's layout: rows and a width in, lines out (src/cli/output.ts tableLines). */
import { describe, expect, it } from 'vitest';
import { tableLines, toCsv, wrapText } from '../src/cli/output.js';

const ACTION = 'Reward them: early access, exclusive offers; ask for reviews and referrals.';
const COLUMNS = ['segment', 'customers', 'action'];
const ROWS = [
  { segment: 'Champions', customers: 12, action: ACTION },
  { segment: "Can't lose", customers: 3, action: 'Win them back personally.' },
];

describe('tableLines', () => {
  it('wraps long text within its column to fit the width, numbers right-aligned on the first line', () => {
    // Natural widths 10 (Can't lose), 9 (customers), 75 (the action): 10 + 9 + 75 + 2·2 = 98 > 40.
    // Only the action is text wider than its minimum, so it gives up room: 40 − 10 − 9 − 4 = 17.
    // Wrapped at 17: "Reward them:" (+ " early" would be 18), "early access," (+ " exclusive" 23),
    // "exclusive offers;" (exactly 17), "ask for reviews" (+ " and" 19), "and referrals.".
    const pad = ' '.repeat(10 + 2 + 9 + 2);
    expect(tableLines(COLUMNS, ROWS, 40)).toEqual([
      'segment     customers  action',
      '──────────  ─────────  ─────────────────',
      'Champions          12  Reward them:',
      ...['early access,', 'exclusive offers;', 'ask for reviews', 'and referrals.'].map((t) => pad + t),
      "Can't lose          3  Win them back",
      `${pad}personally.`,
    ]);
    for (const l of tableLines(COLUMNS, ROWS, 40)) expect(l.length).toBeLessThanOrEqual(40);
  });

  it('leaves a table that fits as it is, and cuts at 60 without a width (a pipe)', () => {
    // 98 columns fit in 100: one line a row, the action whole.
    const wide = tableLines(COLUMNS, ROWS, 100);
    expect(wide).toHaveLength(4);
    expect(wide[2]).toBe(`Champions          12  ${ACTION}`);
    // Without a width: the action (75) cut to 59 characters and an ellipsis.
    expect(tableLines(COLUMNS, ROWS)[2]).toBe(`Champions          12  ${ACTION.slice(0, 59)}…`);
  });

  it('never wraps numbers; text stops at its minimum width and the table runs past the edge', () => {
    const rows = [{ id: 'a long customer name', revenue: 1234567890.5 }];
    // Text gives up room down to 8 (its header "id" is shorter): 8 + 2 + 12 = 22 > 15 still.
    expect(tableLines(['id', 'revenue'], rows, 15)).toEqual(['id        revenue', '────────  ────────────', 'a long    1234567890.5', 'customer', 'name']);
  });

  it('splits no word up to 20 characters: a column stops at its longest word', () => {
    // At 30: the action stops at 11 ("personally."), the segment at 9 ("Champions"):
    // 9 + 9 + 11 + 2·2 = 33, so the table runs 3 past the edge rather than break words.
    // The action at 11: "Reward" (+ " them:" 12), "them: early", "access," (+ " exclusive" 17),
    // "exclusive" (+ " offers;" 17), "offers; ask", "for reviews", "and" (+ " referrals." 14), "referrals.".
    const pad = ' '.repeat(9 + 2 + 9 + 2);
    expect(tableLines(COLUMNS, ROWS, 30)).toEqual([
      'segment    customers  action',
      '─────────  ─────────  ───────────',
      'Champions         12  Reward',
      ...['them: early', 'access,', 'exclusive', 'offers; ask', 'for reviews', 'and', 'referrals.'].map((t) => pad + t),
      "Can't              3  Win them",
      'lose                  back',
      `${pad}personally.`,
    ]);
  });

  it('splits a word longer than the column', () => {
    expect(wrapText('abcdefghij klm', 4)).toEqual(['abcd', 'efgh', 'ij', 'klm']);
  });

  it('keeps the full text in CSV', () => {
    expect(toCsv(COLUMNS, ROWS).split('\n')[1]).toBe(`Champions,12,"${ACTION}"`);
  });
});
