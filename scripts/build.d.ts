// Types of scripts/build.js for the TypeScript that imports it (the test setup, the benches).
export function distIsStale(root?: string): boolean;
export function buildDist(): number;
export function webIsStale(root?: string): boolean;
export function buildWeb(): Promise<number>;
