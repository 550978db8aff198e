/**
 * How a file writes the values it holds, when not as the canonical formats do (ISO 8601 instants,
 * numbers with a decimal point and nothing else). Every option is named by the user: nothing
 * here is guessed from the data. Both validators read the same options (validate-sql.ts through
 * Dialect.tryParse, zod.ts directly), and a rejected value's reason names the option that would
 * have read it (see formatHints in ../import/validate-sql.ts).
 */
import { UsageError } from '../errors.js';
import { isTimeZone } from './time-zone.js';

export interface ParseOptions {
  /** strftime-style format of timestamp and date fields (`%m/%d/%Y`, `%d.%m.%Y %H:%M`). ISO 8601 is still read. */
  readonly dateFormat?: string;
  /** Decimals after a comma (`12,50`); a point is then only a thousands separator when --thousands . says so. */
  readonly decimalComma?: boolean;
  /** The thousands separator of money and decimal fields (`,` `.` space or `'`), checked in groups of three. */
  readonly thousands?: string;
  /** A currency sign or code before or after an amount (`$12.50`, `€ 12,50`, `12.50 USD`) is dropped. */
  readonly stripCurrency?: boolean;
  /** The time zone of timestamps without an offset (an IANA name); UTC when absent. */
  readonly timezone?: string;
  /** Identifiers written as integral decimals by spreadsheets (`17850.0`) are stored as integers (`17850`). */
  readonly normalizeIds?: boolean;
}

/** The strftime directives a --date-format may use: the ones both validators read. */
export const DATE_DIRECTIVES = ['%Y', '%y', '%m', '%d', '%H', '%M', '%S', '%z', '%%'] as const;

export const THOUSANDS = [',', '.', ' ', "'"] as const;

/** Whether any option changes how numbers are read (else the plain cast applies). */
export const readsNumbersSpecially = (o: ParseOptions): boolean => Boolean(o.decimalComma || o.thousands || o.stripCurrency);

/**
 * The anchored regular expression (RE2 and JavaScript alike) a number's text must match under the
 * options, after the currency is stripped: digits in groups of three when a thousands separator is
 * given, the decimal mark the options say. A text that does not match is not a number.
 */
export function numberPattern(o: ParseOptions): string {
  const dec = o.decimalComma ? ',' : '\\.';
  const sep = o.thousands ? thousandsClass(o.thousands) : '';
  const int = sep ? `(\\d{1,3}(${sep}\\d{3})+|\\d+)` : '\\d+';
  return `^[+-]?(${int}(${dec}\\d*)?|${dec}\\d+)([eE][+-]?\\d+)?$`;
}

/** numberPattern for JavaScript (RE2 spells a code point \x{…}, JavaScript \u{…} with the u flag). */
export const numberRegExp = (o: ParseOptions): RegExp => new RegExp(numberPattern(o).replaceAll('\\x{', '\\u{'), 'u');

/** The thousands separator as a character class (a space also as the no-break spaces French writes). */
export const thousandsClass = (sep: string): string => (sep === ' ' ? '[ \\x{00A0}\\x{202F}]' : `[${sep}]`);

/** An identifier written as an integral decimal (`17850.0`); group 1 is the integer. */
export const INTEGRAL_DECIMAL = '^([+-]?[0-9]+)\\.0+$';

/** A UTC offset after a time of day (`10:00Z`, `10:00:00+02:00`, `10:00:00 -0500`); a date's own dashes are not one. */
export const OFFSET_AFTER_TIME = '(?i):[0-9]{2}(\\.[0-9]+)?\\s*(z|utc|[+-][0-9]{2}(:?[0-9]{2})?)\\s*$';

/** Currency signs (any Unicode currency symbol) or a three-letter code, at the start or the end. */
export const CURRENCY_AFFIX = '^(\\p{Sc}|[A-Za-z]{3})\\s*|\\s*(\\p{Sc}|[A-Za-z]{3})$';

/** Whether the number options can hold together (the comma or the point cannot be both marks). */
export const validCombination = (o: ParseOptions): boolean => !(o.decimalComma && o.thousands === ',') && !(!o.decimalComma && o.thousands === '.');

/** Check the options as the user gave them; a UsageError says which one is wrong and how. */
export function checkParseOptions(o: ParseOptions): ParseOptions {
  if (o.thousands !== undefined && !(THOUSANDS as readonly string[]).includes(o.thousands)) {
    throw new UsageError('bad-option', `--thousands "${o.thousands}": expected one of , . ' or a space.`, 'Example: --thousands , for 1,234.50');
  }
  if (o.decimalComma && o.thousands === ',') {
    throw new UsageError('bad-option', '--thousands , with --decimal-comma: the comma cannot be both.', 'With --decimal-comma the thousands separator is . or a space (--thousands .).');
  }
  if (!o.decimalComma && o.thousands === '.') {
    throw new UsageError('bad-option', '--thousands . without --decimal-comma: the point cannot be both.', 'Add --decimal-comma for 1.234,50, or use --thousands , for 1,234.50.');
  }
  if (o.dateFormat !== undefined) {
    const unknown = (o.dateFormat.match(/%./g) ?? []).filter((x) => !(DATE_DIRECTIVES as readonly string[]).includes(x));
    if (!/%[dmY y]/.test(o.dateFormat) || unknown.length) {
      throw new UsageError(
        'bad-option',
        `--date-format "${o.dateFormat}": ${unknown.length ? `unknown directive ${unknown[0]}` : 'names no day, month or year'}.`,
        `Use strftime directives (${DATE_DIRECTIVES.join(' ')}), e.g. --date-format %m/%d/%Y or --date-format "%d.%m.%Y %H:%M".`,
      );
    }
  }
  if (o.timezone !== undefined && !isTimeZone(o.timezone)) {
    throw new UsageError('bad-option', `--timezone "${o.timezone}" is not a time zone.`, 'Use an IANA name such as Europe/Berlin or America/New_York.');
  }
  return o;
}

/** What a date format looks like to a person: `%m/%d/%Y %H:%M` → month/day/year. */
export function describeDateFormat(fmt: string): string {
  const names: Record<string, string> = { '%Y': 'year', '%y': 'year', '%m': 'month', '%d': 'day' };
  const date = fmt.split(' ')[0] ?? fmt;
  return date.replace(/%[Yymd]/g, (x) => names[x] ?? x);
}

/**
 * Formats a rejected timestamp or date is tried in, to name the --date-format that would read it
 * (a hint only; without the option nothing is read in them).
 */
export const HINT_DATE_FORMATS = [
  '%m/%d/%Y',
  '%d/%m/%Y',
  '%d.%m.%Y',
  '%m/%d/%Y %H:%M',
  '%d/%m/%Y %H:%M',
  '%d.%m.%Y %H:%M',
  '%m/%d/%Y %H:%M:%S',
  '%d/%m/%Y %H:%M:%S',
  '%d.%m.%Y %H:%M:%S',
  '%Y/%m/%d',
] as const;

/** Option sets a rejected number is tried under, fewest options first, each with how to say it. */
export const HINT_NUMBER_OPTIONS: readonly { opts: ParseOptions; say: string }[] = [
  { opts: { decimalComma: true }, say: '--decimal-comma' },
  { opts: { thousands: ',' }, say: '--thousands ,' },
  { opts: { stripCurrency: true }, say: '--strip-currency' },
  { opts: { decimalComma: true, thousands: '.' }, say: '--decimal-comma --thousands .' },
  { opts: { decimalComma: true, thousands: ' ' }, say: '--decimal-comma --thousands " "' },
  { opts: { stripCurrency: true, decimalComma: true }, say: '--strip-currency --decimal-comma' },
  { opts: { stripCurrency: true, thousands: ',' }, say: '--strip-currency --thousands ,' },
  { opts: { stripCurrency: true, decimalComma: true, thousands: '.' }, say: '--strip-currency --decimal-comma --thousands .' },
  { opts: { stripCurrency: true, decimalComma: true, thousands: ' ' }, say: '--strip-currency --decimal-comma --thousands " "' },
];
