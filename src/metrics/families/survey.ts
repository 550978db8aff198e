/** Survey metrics: NPS, CSAT (top-2-box and mean), CES and the Customer Loyalty Index. */
import { kOfN, npsInterval, rate, ratio, stat as num } from '../stats.js';
import type { MetricDef, Stats, Value } from '../types.js';
import type { Scope } from '../scope.js';


/** Answers to one survey in the period, with bucket and segment. */
function answers(s: Scope, survey: string, extra = ''): string {
  return `SELECT ${s.bucket('r.responded_at')} AS bucket, ${s.segment('r.customer_id')} AS segment, r.customer_id, r.response_id, r.responded_at, r.score, r.scale_max ${extra}
    FROM ${s.d.table('survey_responses')} r WHERE r.survey = ${s.d.str(survey)} AND ${s.inPeriod('r.responded_at')} AND ${s.keep('r.customer_id')}`;
}

const SURVEY_SOURCE = 'Source notes (Malay and Thai marketing glossaries), METRICS.md';

export const nps: MetricDef = {
  id: 'nps',
  name: 'Net Promoter Score',
  description: 'How likely customers are to recommend you: the share of promoters (9–10) minus the share of detractors (0–6).',
  formula: 'NPS = %promoters − %detractors; one answer per customer per bucket (their latest); 95 % CI ±1.96·100·√((pP + pD − (pP − pD)²)/n)',
  unit: 'score',
  direction: 'higher',
  tables: ['survey_responses'],
  teams: ['marketing', 'leadership'],
  test: 'nps',
  benchmark: {
    bands: [
      { label: 'negative', max: 0 },
      { label: 'positive', min: 0, max: 50 },
      { label: 'great', min: 50, max: 70 },
      { label: 'excellent', min: 70 },
    ],
    source: SURVEY_SOURCE,
    facts: ['Technology and hospitality run higher, telecoms and airlines lower.'],
  },
  convention: 'A customer who answers more than once in a bucket counts once, with their latest answer; anonymous answers count each.',
  sql: (s) => {
    const d = s.d;
    // The latest answer per customer (an anonymous answer is its own respondent).
    return `SELECT bucket, segment, count(*) AS n, ${d.countIf('score >= 9')} AS promoters,
        ${d.countIf('score BETWEEN 7 AND 8')} AS passives, ${d.countIf('score <= 6')} AS detractors
      FROM (SELECT bucket, segment, ${d.argMax('score', 'responded_at')} AS score
        FROM (${answers(s, 'nps')}) a GROUP BY bucket, segment, coalesce(customer_id, ${d.concat([d.str('response:'), 'response_id'])})) r
      GROUP BY bucket, segment`;
  },
  finish: (st) => {
    const n = num(st, 'n');
    if (n === 0) return { value: null, n, note: 'No NPS answers in the period.' };
    const [p, q, dd] = [num(st, 'promoters'), num(st, 'passives'), num(st, 'detractors')];
    return {
      value: Math.round(1000 * ((p - dd) / n)) / 10,
      n,
      ci95: npsInterval(p, dd, n),
      parts: { promoters: (100 * p) / n, passives: (100 * q) / n, detractors: (100 * dd) / n },
    };
  },
};

/** CSAT top two points: 4–5 on a 5-point scale, 9–10 on a 10-point one. */
const TOP2 = 'score >= coalesce(scale_max, 5) - 1';
/** The top point alone: 5 of 5, 10 of 10. */
const TOP1 = 'score >= coalesce(scale_max, 5)';
/** The sum of the answers on a 1–5 scale, 10-point answers rescaled by 1 + (score − 1)·4/9. */
const SUM_ON_5 = 'sum(CASE WHEN coalesce(scale_max, 5) = 10 THEN 1 + (score - 1) * 4.0 / 9 ELSE CAST(score AS DOUBLE) END)';
const NO_CSAT = 'No CSAT answers in the period.';

/** The mean CSAT answer on a 1–5 scale, from the answers' count and their rescaled sum. */
function meanOnFive(st: Stats): Value {
  const v = ratio(num(st, 'total'), num(st, 'n'));
  return v === null ? { value: null, n: 0, note: NO_CSAT } : { value: v, n: num(st, 'n') };
}

export const csat: MetricDef = {
  id: 'csat',
  statsAdditive: true,
  name: 'Customer Satisfaction (top-2-box)',
  description: 'Share of satisfaction answers in the top two points of their scale.',
  formula: 'CSAT = answers in the top two points (4–5 of 5, 9–10 of 10) / answers · 100; Wilson 95 % CI',
  unit: 'percent',
  direction: 'higher',
  tables: ['survey_responses'],
  teams: ['support', 'leadership'],
  test: kOfN,
  benchmark: {
    bands: [
      { label: 'needs improvement', max: 70 },
      { label: 'fair', min: 70, max: 80 },
      { label: 'very good', min: 80 },
    ],
    source: SURVEY_SOURCE,
  },
  // The top point and the answers' sum too, for the variants.
  sql: (s) => `SELECT bucket, segment, count(*) AS n, ${s.d.countIf(TOP2)} AS k, ${s.d.countIf(TOP1)} AS top, ${SUM_ON_5} AS total
    FROM (${answers(s, 'csat')}) a GROUP BY bucket, segment`,
  finish: (st) => rate(...kOfN(st), NO_CSAT),
  variants: [
    {
      id: 'csat_top_box',
      name: 'Top-box share',
      reason: 'Only the highest point (5 of 5) counts as satisfied, so it is lower than the top-two-box share.',
      finish: (st) => rate(num(st, 'top'), num(st, 'n'), NO_CSAT),
    },
    {
      id: 'csat_mean_answer',
      name: 'Mean answer (1–5)',
      unit: 'score',
      reason: 'The average answer on a 1–5 scale (Retain reports it as CSAT mean) instead of a share of satisfied answers: a score, not a percentage.',
      finish: meanOnFive,
    },
  ],
};

export const csatMean: MetricDef = {
  id: 'csat_mean',
  noBenchmark: 'A mean on a 1–5 scale: published satisfaction benchmarks are top-2-box shares (rated on csat) or indices on other scales, so none has this definition.',
  statsAdditive: true,
  name: 'CSAT mean',
  description: 'The mean satisfaction answer on a 1–5 scale.',
  formula: 'mean of CSAT answers; answers on a 10-point scale are mapped to 1–5 by 1 + (score − 1)·4/9',
  unit: 'score',
  direction: 'higher',
  tables: ['survey_responses'],
  teams: ['support'],
  convention: 'Reported on a 1–5 scale; 10-point answers are rescaled.',
  sql: (s) => `SELECT bucket, segment, count(*) AS n, ${SUM_ON_5} AS total FROM (${answers(s, 'csat')}) a GROUP BY bucket, segment`,
  finish: meanOnFive,
};

export const effortScore: MetricDef = {
  id: 'effort_score',
  noBenchmark: 'Effort is asked on different scales (1–5, 1–7) and wordings; no public benchmark with this 1–7 definition exists.',
  statsAdditive: true,
  name: 'Customer Effort Score (CES)',
  description: 'How easy it was to get something done, 1–7 (7 = very easy). Not the engagement score.',
  formula: 'CES = mean answer (1–7); also the share answering 5–7',
  unit: 'score',
  direction: 'higher',
  tables: ['survey_responses'],
  teams: ['support', 'product'],
  sql: (s) => `SELECT bucket, segment, count(*) AS n, sum(score) AS total, ${s.d.countIf('score >= 5')} AS easy
    FROM (${answers(s, 'ces')}) a GROUP BY bucket, segment`,
  finish: (st) => {
    const n = num(st, 'n');
    if (n === 0) return { value: null, n, note: 'No CES answers in the period.' };
    return { value: num(st, 'total') / n, n, parts: { easy_share: (100 * num(st, 'easy')) / n } };
  },
};

const CLI_QUESTIONS = ['cli_recommend', 'cli_repurchase', 'cli_other_products'] as const;

export const loyaltyIndex: MetricDef = {
  id: 'loyalty_index',
  noBenchmark: 'The mean of three 1–6 answers is a construct of its own; no public benchmark with this definition exists.',
  statsAdditive: true,
  name: 'Customer Loyalty Index (CLI)',
  description: 'Mean of the means of three 1–6 questions (recommend, buy again, try other products); 1 = very likely.',
  formula: 'CLI = (mean recommend + mean repurchase + mean other products) / 3; normalised 100·(6 − CLI)/5',
  unit: 'score',
  direction: 'lower',
  tables: ['survey_responses'],
  teams: ['marketing', 'leadership'],
  convention: 'Lower is better on the 1–6 scale; parts.normalised is 0–100, higher is better. Needs answers to all three questions.',
  sql: (s) => {
    const d = s.d;
    const cols = CLI_QUESTIONS.flatMap((q) => [`${d.countIf(`survey = ${d.str(q)}`)} AS n_${q}`, `${d.sumIf('score', `survey = ${d.str(q)}`)} AS sum_${q}`]);
    return `SELECT ${s.bucket('r.responded_at')} AS bucket, ${s.segment('r.customer_id')} AS segment, count(*) AS n, ${cols.join(', ')}
      FROM ${s.d.table('survey_responses')} r WHERE r.survey IN (${CLI_QUESTIONS.map(d.str).join(', ')}) AND ${s.inPeriod('r.responded_at')} AND ${s.keep('r.customer_id')}
      GROUP BY bucket, segment`;
  },
  finish: (st) => {
    const means = CLI_QUESTIONS.map((q) => ratio(num(st, `sum_${q}`), num(st, `n_${q}`)));
    if (means.some((m) => m === null)) return { value: null, n: num(st, 'n'), note: 'The index needs answers to all three loyalty questions in the period.' };
    const cli = (means as number[]).reduce((a, b) => a + b, 0) / 3;
    return {
      value: cli,
      n: num(st, 'n'),
      parts: { recommend: means[0]!, repurchase: means[1]!, other_products: means[2]!, normalised: (100 * (6 - cli)) / 5 },
    };
  },
};

export const SURVEY_METRICS: readonly MetricDef[] = [nps, csat, csatMean, effortScore, loyaltyIndex];
