/** The demo's fixed vocabularies: countries, channels, plans, products, pages, features, names. */

export const COUNTRIES = [
  ['US', 34],
  ['GB', 13],
  ['DE', 11],
  ['FR', 7],
  ['NL', 5],
  ['AU', 6],
  ['CA', 7],
  ['ES', 4],
  ['IT', 4],
  ['SE', 3],
  ['IE', 2],
  ['NZ', 2],
  ['JP', 2],
] as const;

/** Countries whose customers sometimes pay in their own currency (USD otherwise). */
export const LOCAL_CURRENCY: Readonly<Record<string, 'EUR' | 'GBP'>> = { DE: 'EUR', FR: 'EUR', NL: 'EUR', ES: 'EUR', IT: 'EUR', IE: 'EUR', GB: 'GBP' };
/** Starting USD per unit of each non-USD currency. */
export const FX_BASE = [
  ['EUR', 1.08],
  ['GBP', 1.27],
] as const;

export const ACQUISITION_CHANNELS = [
  ['organic', 30],
  ['paid_search', 22],
  ['social', 16],
  ['referral', 12],
  ['email', 10],
  ['partner', 10],
] as const;
export const INDUSTRIES = ['retail', 'software', 'services', 'media', 'manufacturing', 'healthcare', 'education'] as const;
export const SEGMENTS = [
  ['smb', 68],
  ['mid_market', 25],
  ['enterprise', 7],
] as const;

export const ORDER_CHANNELS = [
  ['web', 55],
  ['app', 30],
  ['store', 15],
] as const;
export const CATEGORIES = ['apparel', 'shoes', 'accessories', 'home', 'beauty', 'electronics'] as const;
export const PRODUCTS = 600;
export const RETURN_REASONS = ['wrong size', 'damaged', 'not as described', 'changed mind', 'arrived late'] as const;

/** Plans and their monthly price, cheapest first (upgrades move right). */
export const PLANS = [
  ['basic', 29],
  ['pro', 79],
  ['business', 199],
] as const;
export const TIERS = [
  ['bronze', 60],
  ['silver', 30],
  ['gold', 10],
] as const;
export const REWARDS = ['voucher_10', 'free_shipping', 'gift_card_25', 'early_access'] as const;

export const PAGES = ['/', '/pricing', '/help', '/about', '/account', '/cart'] as const;
export const BLOG = ['loyalty-tips', 'spring-lookbook', 'care-guide', 'gift-ideas', 'how-we-source', 'size-guide'] as const;

/** Product-usage events and their relative frequency. */
export const FEATURES = [
  ['login', 34],
  ['dashboard_view', 26],
  ['create_report', 12],
  ['api_call', 14],
  ['export', 8],
  ['invite_user', 3],
  ['share_dashboard', 3],
] as const;

export const SOCIAL_CHANNELS = [
  ['instagram', 30],
  ['facebook', 20],
  ['linkedin', 20],
  ['x', 15],
  ['tiktok', 15],
] as const;

export const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Lucas', 'Mia', 'Leon', 'Sophie', 'Jack', 'Chloé', 'Finn', 'Isla', 'Mateo', 'Hannah',
  'Oscar', 'Zoe', 'Elias', 'Grace', 'Hugo', 'Ella', 'Jonas', 'Lena', 'Max', 'Amelia', 'Louis', 'Freya', 'Daan', 'Aiko', 'Ruby',
] as const;
export const LAST_NAMES = [
  'Smith', 'Müller', 'Martin', 'Jones', 'de Vries', 'Brown', 'Schmidt', 'Bernard', 'Wilson', 'Taylor', 'Fischer', 'Dubois',
  'Jansen', 'García', 'Rossi', "O'Brien", 'Andersson', 'Walker', 'Lee', 'Weber', 'Thomas', 'Bakker', 'Moreau', 'Clarke',
] as const;

/** Free-text survey comments by sentiment; some hold commas and quotes, as real answers do. */
export const COMMENTS = {
  good: ['Great service, fast delivery', 'Love the "express" option', 'Support sorted it in minutes', 'Quality is excellent'],
  neutral: ['Fine', 'OK overall, a bit pricey', 'Does the job'],
  bad: ['Delivery was slow, support did not help', 'Item arrived damaged', 'Too hard to reach anyone', 'Billing was confusing'],
} as const;
