/**
 * Records broken as a whole, as the readers report them and the quarantine keeps them. Import
 * and retry share these words: a retry must give such a record the verdict and reasons its
 * import gave (test/quarantine-retry.test.ts), so neither spells them itself.
 */

/** The key of a record's verbatim copy holding the fields beyond the header (CSV). */
export const EXTRA_FIELDS_KEY = '(extra fields)';
export const EXTRA_FIELDS_ERROR = 'record has more fields than the header (check the delimiter and quoting)';

/**
 * The key of a verbatim copy that is the record's whole text, not its fields: a JSON line that is
 * no object, or a record the reader could not split. No field can be read from such a copy, so a
 * retry leaves the record as its import left it.
 */
export const WHOLE_LINE_KEY = '(line)';
export const NOT_AN_OBJECT_ERROR = 'line is not a JSON object';
