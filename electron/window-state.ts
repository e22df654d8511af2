// The main window's position and size, remembered per display: moving the window to the laptop's
// screen and back to the external monitor restores each one's own placement. Pure decisions plus a
// small JSON file in the data folder (zod-checked when read); no `electron` import.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface DisplayInfo {
  id: number;
  workArea: Rect;
}
const rect = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().min(100).max(20_000), height: z.number().int().min(100).max(20_000) });
const placement = rect.extend({ maximized: z.boolean().default(false) });
export type Placement = z.infer<typeof placement>;
const stateSchema = z.object({ byDisplay: z.record(z.string().max(40), placement), lastDisplay: z.string().max(40).nullable().default(null) });
export type WindowState = z.infer<typeof stateSchema>;

export const DEFAULT_SIZE = { width: 1280, height: 820 };
export const MIN_SIZE = { width: 960, height: 600 };
const FILE = 'window-state.json';

export function emptyState(): WindowState {
  return { byDisplay: {}, lastDisplay: null };
}

/** A display's key: its id together with its work area's size, so a different monitor on the same port is not confused with it. */
export function displayKey(display: DisplayInfo): string {
  return `${display.id}:${display.workArea.width}x${display.workArea.height}`;
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** The display a window is mostly on (the primary when it is on none). */
export function displayFor(bounds: Rect, displays: readonly DisplayInfo[], primary: DisplayInfo): DisplayInfo {
  let best = primary;
  let bestArea = 0;
  for (const d of displays) {
    const area = overlap(bounds, d.workArea);
    if (area > bestArea) [best, bestArea] = [d, area];
  }
  return best;
}

/** Fits a rectangle inside a work area (shrinking it if it is larger, then moving it in). */
export function clampTo(bounds: Rect, area: Rect): Rect {
  const width = Math.min(Math.max(bounds.width, Math.min(MIN_SIZE.width, area.width)), area.width);
  const height = Math.min(Math.max(bounds.height, Math.min(MIN_SIZE.height, area.height)), area.height);
  const x = Math.min(Math.max(bounds.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(bounds.y, area.y), area.y + area.height - height);
  return { x, y, width, height };
}

function centred(area: Rect): Rect {
  const width = Math.min(DEFAULT_SIZE.width, area.width);
  const height = Math.min(DEFAULT_SIZE.height, area.height);
  return { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height };
}

/**
 * Where to open the window: on the display it was last on when that display is still connected,
 * at that display's remembered placement (kept inside its work area); otherwise the primary
 * display's remembered placement, or centred on it at the default size.
 */
export function restorePlacement(state: WindowState, displays: readonly DisplayInfo[], primary: DisplayInfo): Placement {
  const connected = new Map(displays.map((d) => [displayKey(d), d]));
  const last = state.lastDisplay ? connected.get(state.lastDisplay) : undefined;
  for (const display of [last, primary]) {
    if (!display) continue;
    const saved = state.byDisplay[displayKey(display)];
    if (saved) return { ...clampTo(saved, display.workArea), maximized: saved.maximized };
  }
  return { ...centred(primary.workArea), maximized: false };
}

/** Records the window's placement for the display it is on now. */
export function recordPlacement(state: WindowState, bounds: Rect, maximized: boolean, displays: readonly DisplayInfo[], primary: DisplayInfo): WindowState {
  const display = displayFor(bounds, displays, primary);
  const key = displayKey(display);
  const previous = state.byDisplay[key];
  // A maximized window reports the work area: keep the size it is restored to.
  const kept = maximized && previous ? { x: previous.x, y: previous.y, width: previous.width, height: previous.height } : bounds;
  return { byDisplay: { ...state.byDisplay, [key]: { ...kept, maximized } }, lastDisplay: key };
}

export function loadWindowState(dataDir: string): WindowState {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')));
    return parsed.success ? parsed.data : emptyState();
  } catch {
    return emptyState();
  }
}

export function saveWindowState(dataDir: string, state: WindowState): void {
  try {
    writeFileSync(join(dataDir, FILE), `${JSON.stringify(state)}\n`);
  } catch (error) {
    console.warn(`Could not remember the window's placement: ${(error as Error).message}`);
  }
}
