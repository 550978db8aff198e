/**
 * Built-in benchmark bands by industry, chosen by the workspace's `industry` setting: each the
 * published average for that industry, split into below and above it, with its source. Only what
 * a source publishes for the industry is here; a metric without an entry keeps its general bands.
 * A --benchmarks file's industry section and its own metrics win over these (benchmarks.ts).
 */
import type { Industry } from '../warehouse/schema/industries.js';
import { aroundAverage } from './average-bands.js';
import { CONTENTSQUARE } from './families/web.js';
import type { Benchmark } from './types.js';

const NPS_QUESTIONPRO = 'QuestionPro, NPS benchmarks: top 30 industry NPS scores';
const CSAT_ZENDESK = 'Zendesk Customer Satisfaction Index (March 2012; share of service interactions rated good, by industry)';
const RETENTION = 'Exploding Topics, Average Customer Retention by Industry (December 2023; customer retention rate in 15 industries)';
const MAILCHIMP = 'Mailchimp, Email Marketing Benchmarks by Industry (October 2019)';
const RECURLY_2019 = 'Recurly subscription benchmarks (over 900 subscription sites, January 2017 to December 2018, as reported by MarketingCharts, July 2019; median monthly churn)';
const NRF = 'NRF and Appriss Retail, Consumer Returns in the Retail Industry 2021';

/** The industry's average for the metric, with the source and the figure it states (a percentage unless `unit` says otherwise). */
const avg = (average: number, source: string, what: string, unit = ' %'): Benchmark =>
  aroundAverage(average, 'industry', `${source}: ${what} ${average}${unit}`);

export const INDUSTRY_BENCHMARKS: Readonly<Record<Industry, Readonly<Record<string, Benchmark>>>> = {
  ecommerce: {
    email_open_rate: avg(15.68, MAILCHIMP, 'E-Commerce average unique open rate'),
    email_ctr: avg(2.01, MAILCHIMP, 'E-Commerce average click rate'),
    churn_rate: avg(9.32, RECURLY_2019, 'consumer goods subscriptions', ' % a month'),
    repeat_purchase_rate: avg(28, 'Metrilo, ecommerce retention rate by niche (survey of its stores; share of customers who order more than once)', 'average over the niches'),
    return_rate: avg(20.8, NRF, 'online purchases returned'),
  },
  retail: {
    csat: avg(82, CSAT_ZENDESK, 'Retail & Wholesale'),
    retention_rate: avg(63, RETENTION, 'Retail'),
    return_rate: avg(16.6, NRF, 'share of US retail sales returned, in store and online'),
  },
  saas: {
    nps: avg(34, NPS_QUESTIONPRO, 'software industry average', ''),
    csat: avg(87, CSAT_ZENDESK, 'Software'),
    churn_rate: avg(4.91, 'Recurly Research, churn rate benchmarks (over 1,500 subscription sites over 19 months)', 'B2B median monthly churn', ' % a month'),
    retention_rate: avg(77, RETENTION, 'IT & Software'),
    bounce_rate: avg(75, CONTENTSQUARE, 'B2B sites'),
  },
  finance: {
    nps: avg(35, NPS_QUESTIONPRO, 'banking', ''),
    csat: avg(93, CSAT_ZENDESK, 'Financial & Insurance Services'),
    retention_rate: avg(78, RETENTION, 'Financial Services'),
    email_open_rate: avg(21.56, MAILCHIMP, 'Business and Finance average unique open rate'),
    email_ctr: avg(2.72, MAILCHIMP, 'Business and Finance average click rate'),
  },
  telecom: {
    nps: avg(24, 'NICE Satmetrix, 2018 U.S. Consumer NPS Benchmarks', 'telecommunications average', ''),
    csat: avg(88, CSAT_ZENDESK, 'Media & Telecommunications'),
    retention_rate: avg(78, RETENTION, 'Telecommunications'),
  },
  hospitality: {
    nps: avg(36, NPS_QUESTIONPRO, 'hotels', ''),
    csat: avg(91, CSAT_ZENDESK, 'Travel, Hospitality & Tourism'),
    retention_rate: avg(55, RETENTION, 'Hospitality, Travel, Restaurants'),
    bounce_rate: avg(42, CONTENTSQUARE, 'travel'),
  },
  healthcare: {
    csat: avg(94, CSAT_ZENDESK, 'Healthcare'),
    retention_rate: avg(77, RETENTION, 'Healthcare'),
  },
  media: {
    nps: avg(39, 'Temkin Group, Net Promoter Score Benchmark Study 2018 (10,000 U.S. consumers)', 'streaming media average', ''),
    csat: avg(88, CSAT_ZENDESK, 'Media & Telecommunications'),
    churn_rate: avg(10.65, RECURLY_2019, 'OTT video subscriptions', ' % a month'),
    retention_rate: avg(84, RETENTION, 'Media'),
    email_open_rate: avg(22.15, MAILCHIMP, 'Media and Publishing average unique open rate'),
    email_ctr: avg(4.62, MAILCHIMP, 'Media and Publishing average click rate'),
  },
};
