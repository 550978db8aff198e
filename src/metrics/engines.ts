/**
 * Metrics an engine cannot run yet, each with the reason: the report shows them as unavailable
 * with that reason instead of failing, and the conformance suite requires every other metric to
 * give the same result on every engine.
 */
export const NOT_YET_ON: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  clickhouse: {},
};
