/** Text for HTML, for every page the product writes (the HTML report, the server's /docs). */

/** The five characters that could open markup, as character references. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
