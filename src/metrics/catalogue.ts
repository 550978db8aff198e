/** The metric catalogue as `retain metrics --format json` and the API's /v1/metrics give it. */
import { METRICS } from './registry.js';

export function metricCatalogue() {
  return METRICS.map((m) => ({
    id: m.id,
    name: m.name,
    description: m.description,
    formula: m.formula,
    unit: m.unit,
    direction: m.direction,
    tables: m.tables,
    teams: m.teams,
    benchmark: m.benchmark ?? null,
    no_benchmark: m.noBenchmark ?? null,
  }));
}

/** One entry of the catalogue, for the surfaces that read it over the API (the dashboard). */
export type CatalogueEntry = ReturnType<typeof metricCatalogue>[number];
