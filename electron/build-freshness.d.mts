/** True when any of `outputs` (paths relative to root) is missing or older than the newest source. */
export function buildIsStale(root: string, outputs: string[]): boolean;
