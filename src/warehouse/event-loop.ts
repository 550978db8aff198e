/**
 * Letting the event loop run inside long JavaScript work over rows (converting a large result,
 * finishing a metric from many rows), so a server answers its other requests meanwhile.
 */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
