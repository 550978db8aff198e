/**
 * A customer's latent traits, the ones the models are meant to recover: a purchase rate λ and a
 * drop-out chance p (BG/NBD), a spend level ν (Gamma-Gamma), and a satisfaction that drives survey
 * answers and behaviour alike (unhappy customers drop out and churn sooner, file more tickets and
 * complaints, answer lower). Also what every part of the simulation shares while writing one.
 */
import { CATEGORIES, LOCAL_CURRENCY } from './catalog.js';
import type { Random } from './random.js';
import type { Ids, Sink } from './sink.js';
import type { World } from './world.js';

export interface Ctx {
  readonly world: World;
  readonly rnd: Random;
  readonly ids: Ids;
  readonly sink: Sink;
}

export interface Customer {
  readonly id: string;
  readonly acquired: number;
  readonly country: string;
  /** 0 unhappy … 1 delighted; mean ≈ 0.7. */
  readonly satisfaction: number;
  /** Purchases a day while alive (BG/NBD λ ~ Gamma(r, α)). */
  readonly lambda: number;
  /** Chance of dropping out after each repeat purchase (BG/NBD p ~ Beta(a, b)). */
  readonly dropout: number;
  /** Spend rate: an order is worth Gamma(p, 1/ν) USD (Gamma-Gamma ν ~ Gamma(q, 1/γ)). */
  readonly nu: number;
  readonly currency: 'USD' | 'EUR' | 'GBP';
  readonly favouriteCategory: number;
  readonly subscriber: boolean;
}

/** The population's parameters: BG/NBD r, α (rate, per day), a, b; Gamma-Gamma p, q, γ (mean order ≈ 100 USD). */
export const BGNBD = { r: 0.8, alpha: 6, a: 0.8, b: 3.2 } as const;
export const GAMMA_GAMMA = { p: 6, q: 4, gamma: 50 } as const;

const BETA_MEAN = BGNBD.a / (BGNBD.a + BGNBD.b);
const BETA_SD = Math.sqrt((BGNBD.a * BGNBD.b) / ((BGNBD.a + BGNBD.b) ** 2 * (BGNBD.a + BGNBD.b + 1)));

export function drawCustomer(rnd: Random, id: string, acquired: number, country: string): Customer {
  const local = LOCAL_CURRENCY[country];
  const dropout = rnd.beta(BGNBD.a, BGNBD.b);
  // Satisfaction goes with staying power: a latent score correlated (≈ −0.75) with the drop-out chance.
  const latent = (-0.75 * (dropout - BETA_MEAN)) / BETA_SD + 0.66 * rnd.normal();
  return {
    id,
    acquired,
    country,
    satisfaction: 1 / (1 + Math.exp(-(1.05 + 1.15 * latent))),
    lambda: rnd.gamma(BGNBD.r, 1 / BGNBD.alpha),
    dropout,
    nu: rnd.gamma(GAMMA_GAMMA.q, 1 / GAMMA_GAMMA.gamma),
    // Together about 8 % of orders: some customers in euro and pound countries pay locally.
    currency: local && rnd.chance(0.17) ? local : 'USD',
    favouriteCategory: rnd.int(0, CATEGORIES.length - 1),
    subscriber: rnd.chance(0.35),
  };
}
