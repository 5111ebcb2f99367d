/**
 * ElastiCache window arithmetic. A snapshot window is "hh:mm-hh:mm" (daily, UTC); a maintenance window
 * is "ddd:hh:mm-ddd:hh:mm" (weekly, UTC). AWS requires the snapshot window to last >= 60 minutes and
 * not overlap the maintenance window.
 */
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

export const SNAPSHOT_WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
export const MAINTENANCE_WINDOW =
  /^(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)-(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)$/;

/** Minute ranges [start, end) within a week; a range crossing the week's end is split in two. */
type Span = [number, number];

function spans(start: number, length: number): Span[] {
  const end = start + length;
  return end <= MINUTES_PER_WEEK
    ? [[start, end]]
    : [
        [start, MINUTES_PER_WEEK],
        [0, end - MINUTES_PER_WEEK],
      ];
}

function minutes(hh: string, mm: string): number {
  return Number(hh) * 60 + Number(mm);
}

/** Length of a daily "hh:mm-hh:mm" window in minutes (wrapping past midnight). */
export function snapshotWindowMinutes(window: string): number {
  const m = SNAPSHOT_WINDOW.exec(window);
  if (!m) return 0;
  return (minutes(m[3], m[4]) - minutes(m[1], m[2]) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
}

/** Length of a weekly "ddd:hh:mm-ddd:hh:mm" window in minutes. */
export function maintenanceWindowMinutes(window: string): number {
  const m = MAINTENANCE_WINDOW.exec(window);
  if (!m) return 0;
  const start = DAYS.indexOf(m[1] as (typeof DAYS)[number]) * MINUTES_PER_DAY + minutes(m[2], m[3]);
  const end = DAYS.indexOf(m[4] as (typeof DAYS)[number]) * MINUTES_PER_DAY + minutes(m[5], m[6]);
  return (end - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
}

/** True when the daily snapshot window overlaps the weekly maintenance window on any day. */
export function windowsOverlap(snapshotWindow: string, maintenanceWindow: string): boolean {
  const s = SNAPSHOT_WINDOW.exec(snapshotWindow);
  const m = MAINTENANCE_WINDOW.exec(maintenanceWindow);
  if (!s || !m) return false;
  const maintenanceStart =
    DAYS.indexOf(m[1] as (typeof DAYS)[number]) * MINUTES_PER_DAY + minutes(m[2], m[3]);
  const maintenance = spans(maintenanceStart, maintenanceWindowMinutes(maintenanceWindow));
  const dailyStart = minutes(s[1], s[2]);
  const length = snapshotWindowMinutes(snapshotWindow);
  for (let day = 0; day < 7; day += 1) {
    for (const [a, b] of spans(day * MINUTES_PER_DAY + dailyStart, length)) {
      if (maintenance.some(([c, d]) => a < d && c < b)) return true;
    }
  }
  return false;
}
