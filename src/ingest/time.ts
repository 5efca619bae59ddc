/**
 * Timestamps: a hand-written reader for the forms found in CSV files (fast: no RegExp, no Date object per
 * cell), epoch numbers, and the checks on a time column (duplicates, backward steps, gaps).
 *
 * Accepted text forms (date, then optionally a time, then optionally a zone):
 * - year first: 2024-01-31, 2024/01/31, 2024.01.31;
 * - year last: 31/01/2024 or 01/31/2024 (also with - or .), 2-digit years (70-99 → 19xx, 00-69 → 20xx);
 *   day-first or month-first is decided for the whole column by the caller;
 * - time after 'T' or spaces: HH:MM, HH:MM:SS, HH:MM:SS.fff (any number of digits; kept to the millisecond),
 *   with an optional AM/PM;
 * - zone: Z, ±HH, ±HHMM, ±HH:MM, UTC or GMT (optionally followed by an offset). No zone means UTC.
 */

/** What parseTimestamp saw in the last cell it read (valid only when it did not give up on the form). */
export const timeScan = {
  /** 0: not a date form, 1: year first, 2: year last (day/month order open). */
  family: 0,
  /** For family 2: the first and second numbers of the date. */
  a: 0,
  b: 0,
  /** Date separator character code. */
  separator: 0,
  zoned: false,
};

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  if (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return 29;
  return DAYS_IN_MONTH[m - 1]!;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Epoch milliseconds (UTC) of a timestamp cell, or NaN. `dayFirst` applies to year-last dates only.
 * Sets `timeScan`.
 *
 * Fast path for the fixed-width ISO forms most files use (YYYY-MM-DD, then [T ]HH:MM[:SS[.fff]][Z]),
 * small enough for the JIT to compile at once; every other form goes to parseTimestampGeneral, which
 * gives the same result for these too (a test checks that).
 */
export function parseTimestamp(s: string, dayFirst: boolean): number {
  const n = s.length;
  if (n >= 10 && n <= 40 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    const y1 = twoDigits(s, 0);
    const y2 = twoDigits(s, 2);
    const mo = twoDigits(s, 5);
    const d = twoDigits(s, 8);
    if (y1 >= 0 && y2 >= 0 && mo >= 0 && d >= 0) {
      let h = 0;
      let mi = 0;
      let sec = 0;
      let ms = 0;
      let end = 10;
      if (n >= 16) {
        const t = s.charCodeAt(10);
        if ((t === 84 || t === 116 || t === 32) && s.charCodeAt(13) === 58) {
          h = twoDigits(s, 11);
          mi = twoDigits(s, 14);
          if (h >= 0 && mi >= 0) {
            end = 16;
            if (n >= 19 && s.charCodeAt(16) === 58) {
              sec = twoDigits(s, 17);
              end = sec >= 0 ? 19 : -1;
              if (end === 19 && n > 20 && (s.charCodeAt(19) === 46 || s.charCodeAt(19) === 44)) {
                let k = 20;
                let scale = 100;
                while (k < n) {
                  const c = s.charCodeAt(k) - 48;
                  if (c < 0 || c > 9) break;
                  ms += c * scale;
                  scale /= 10;
                  k++;
                }
                ms = Math.floor(ms + 1e-9);
                end = k > 20 ? k : -1;
              }
            }
          }
        }
      }
      let zoned = false;
      if (end > 10 && end + 1 === n && (s.charCodeAt(end) | 32) === 122) {
        zoned = true;
        end = n;
      }
      if (end === n) {
        timeScan.family = 1;
        timeScan.separator = 45;
        timeScan.zoned = zoned;
        const y = y1 * 100 + y2;
        if (h > 23 || mi > 59 || sec > 60) return NaN;
        if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
        return daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
      }
    }
  }
  return parseTimestampGeneral(s, dayFirst);
}

/** parseTimestamp for every accepted form (see the top of this file). */
export function parseTimestampGeneral(s: string, dayFirst: boolean): number {
  timeScan.family = 0;
  timeScan.zoned = false;
  let i = 0;
  let n = s.length;
  while (i < n && s.charCodeAt(i) <= 32) i++;
  while (n > i && s.charCodeAt(n - 1) <= 32) n--;
  // date: three digit groups with one separator
  let g1 = 0;
  const s1 = i;
  while (i < n && isDigit(s.charCodeAt(i)) && i - s1 < 5) g1 = g1 * 10 + s.charCodeAt(i++) - 48;
  const l1 = i - s1;
  if (l1 === 0 || l1 > 4 || i >= n) return NaN;
  const sep = s.charCodeAt(i);
  if (sep !== 45 && sep !== 47 && sep !== 46) return NaN; // - / .
  i++;
  let g2 = 0;
  const s2 = i;
  while (i < n && isDigit(s.charCodeAt(i)) && i - s2 < 3) g2 = g2 * 10 + s.charCodeAt(i++) - 48;
  const l2 = i - s2;
  if (l2 === 0 || l2 > 2 || i >= n || s.charCodeAt(i) !== sep) return NaN;
  i++;
  let g3 = 0;
  const s3 = i;
  while (i < n && isDigit(s.charCodeAt(i)) && i - s3 < 5) g3 = g3 * 10 + s.charCodeAt(i++) - 48;
  const l3 = i - s3;
  let y: number;
  let mo: number;
  let d: number;
  if (l1 === 4 && (l3 === 1 || l3 === 2)) {
    y = g1;
    mo = g2;
    d = g3;
    timeScan.family = 1;
  } else if (l1 <= 2 && (l3 === 4 || l3 === 2)) {
    y = l3 === 2 ? (g3 < 70 ? 2000 + g3 : 1900 + g3) : g3;
    if (dayFirst) {
      d = g1;
      mo = g2;
    } else {
      mo = g1;
      d = g2;
    }
    timeScan.family = 2;
    timeScan.a = g1;
    timeScan.b = g2;
  } else {
    return NaN;
  }
  timeScan.separator = sep;
  // time
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  let offset = 0; // minutes east of UTC
  if (i < n) {
    let c = s.charCodeAt(i);
    if (c !== 84 && c !== 116 && c !== 32) return fail(); // 'T', 't', space
    i++;
    while (i < n && s.charCodeAt(i) === 32) i++;
    const sh = i;
    while (i < n && isDigit(s.charCodeAt(i)) && i - sh < 3) h = h * 10 + s.charCodeAt(i++) - 48;
    if (i - sh === 0 || i - sh > 2 || i >= n || s.charCodeAt(i) !== 58) return fail(); // ':'
    i++;
    if (i + 2 > n || !isDigit(s.charCodeAt(i)) || !isDigit(s.charCodeAt(i + 1))) return fail();
    mi = (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;
    i += 2;
    if (i < n && s.charCodeAt(i) === 58) {
      i++;
      if (i + 2 > n || !isDigit(s.charCodeAt(i)) || !isDigit(s.charCodeAt(i + 1))) return fail();
      sec = (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;
      i += 2;
      if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
        i++;
        const sf = i;
        let scale = 100;
        while (i < n && isDigit(s.charCodeAt(i))) {
          ms += (s.charCodeAt(i) - 48) * scale;
          scale /= 10;
          i++;
        }
        if (i === sf) return fail();
        ms = Math.floor(ms + 1e-9);
      }
    }
    while (i < n && s.charCodeAt(i) === 32) i++;
    // AM / PM
    if (i + 1 < n) {
      c = s.charCodeAt(i) | 32;
      const c2 = s.charCodeAt(i + 1) | 32;
      if ((c === 97 || c === 112) && c2 === 109) {
        if (h < 1 || h > 12) return fail();
        if (c === 112 && h < 12) h += 12;
        else if (c === 97 && h === 12) h = 0;
        i += 2;
        while (i < n && s.charCodeAt(i) === 32) i++;
      }
    }
    // zone
    if (i < n) {
      c = s.charCodeAt(i);
      if (c === 90 || c === 122) {
        i++;
        timeScan.zoned = true;
      } else {
        if (i + 2 < n && (c | 32) === 117 && (s.charCodeAt(i + 1) | 32) === 116 && (s.charCodeAt(i + 2) | 32) === 99) {
          i += 3; // UTC
          timeScan.zoned = true;
        } else if (i + 2 < n && (c | 32) === 103 && (s.charCodeAt(i + 1) | 32) === 109 && (s.charCodeAt(i + 2) | 32) === 116) {
          i += 3; // GMT
          timeScan.zoned = true;
        }
        if (i < n) {
          c = s.charCodeAt(i);
          if (c !== 43 && c !== 45 && c !== 0x2212) return fail();
          const sign = c === 43 ? 1 : -1;
          i++;
          const so = i;
          let oh = 0;
          while (i < n && isDigit(s.charCodeAt(i)) && i - so < 5) oh = oh * 10 + s.charCodeAt(i++) - 48;
          const lo = i - so;
          let om = 0;
          if (lo === 4) {
            om = oh % 100;
            oh = Math.floor(oh / 100);
          } else if (lo === 1 || lo === 2) {
            if (i < n && s.charCodeAt(i) === 58) {
              i++;
              if (i + 2 > n || !isDigit(s.charCodeAt(i)) || !isDigit(s.charCodeAt(i + 1))) return fail();
              om = (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;
              i += 2;
            }
          } else {
            return fail();
          }
          if (oh > 14 || om > 59) return fail();
          offset = sign * (oh * 60 + om);
          timeScan.zoned = true;
        }
      }
    }
    if (i !== n) return fail();
    if (h > 23 || mi > 59 || sec > 60) return NaN;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  return daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms - offset * 60_000;
}

function fail(): number {
  timeScan.family = 0;
  return NaN;
}

/** Units of epoch numbers, by magnitude of the typical value. */
export interface EpochUnit {
  name: 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';
  /** Multiply by this to get milliseconds. */
  toMs: number;
}

/**
 * The epoch unit of a numeric column, judged from the median of its absolute values: seconds from 1e8
 * (1973) up to 1e11 (year 5138), then milliseconds, microseconds and nanoseconds by the same ranges.
 * Null when the values are too small to be epoch times.
 */
export function epochUnit(median: number): EpochUnit | null {
  if (!(median >= 1e8)) return null;
  if (median < 1e11) return { name: 'seconds', toMs: 1000 };
  if (median < 1e14) return { name: 'milliseconds', toMs: 1 };
  if (median < 1e17) return { name: 'microseconds', toMs: 1e-3 };
  if (median < 1e20) return { name: 'nanoseconds', toMs: 1e-6 };
  return null;
}

/** Header names that suggest a time column. */
export function looksLikeTimeName(name: string): boolean {
  const n = name.toLowerCase();
  return /time|date|epoch|unix|stamp|^ts$|^t$|^dt$|^when$|^zeit$|^datum$|^fecha$|^heure$|^hora$/.test(n);
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const a = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (a < 1000) return `${sign}${round(a)} ms`;
  if (a < 60_000) return `${sign}${round(a / 1000)} s`;
  if (a < 3_600_000) {
    const m = Math.floor(a / 60_000);
    const s = Math.round((a - m * 60_000) / 1000);
    return `${sign}${m} min${s ? ` ${s} s` : ''}`;
  }
  if (a < 86_400_000) {
    const h = Math.floor(a / 3_600_000);
    const m = Math.round((a - h * 3_600_000) / 60_000);
    return `${sign}${h} h${m ? ` ${m} min` : ''}`;
  }
  const d = Math.floor(a / 86_400_000);
  const h = Math.round((a - d * 86_400_000) / 3_600_000);
  return `${sign}${d} day${d === 1 ? '' : 's'}${h ? ` ${h} h` : ''}`;
}

function round(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** ISO 8601 UTC, or null when out of the Date range. */
export function isoString(ms: number): string | null {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  return new Date(ms).toISOString();
}

export interface TimeCheck {
  duplicates: number;
  firstDuplicateLine: number;
  backward: number;
  firstBackwardLine: number;
  /** Median of the positive steps between consecutive valid times (ms); NaN if none. */
  medianStep: number;
  gaps: number;
  firstGapLine: number;
  largestGap: number;
  largestGapLine: number;
}

/** Gaps longer than this many median steps are reported. */
export const GAP_FACTOR = 5;

/** Duplicate, backward and long steps between consecutive valid times, in file order. */
export function checkTimes(time: Float64Array, lines: Int32Array): TimeCheck {
  const r: TimeCheck = {
    duplicates: 0,
    firstDuplicateLine: 0,
    backward: 0,
    firstBackwardLine: 0,
    medianStep: NaN,
    gaps: 0,
    firstGapLine: 0,
    largestGap: 0,
    largestGapLine: 0,
  };
  const n = time.length;
  const steps = new Float64Array(n);
  let k = 0;
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    if (t !== t) continue;
    if (prev === prev) {
      const dt = t - prev;
      if (dt > 0) steps[k++] = dt;
      else if (dt === 0) {
        if (r.duplicates++ === 0) r.firstDuplicateLine = lines[i]!;
      } else if (r.backward++ === 0) r.firstBackwardLine = lines[i]!;
    }
    prev = t;
  }
  if (k === 0) return r;
  const sorted = steps.subarray(0, k).slice().sort();
  const median = k % 2 ? sorted[(k - 1) / 2]! : (sorted[k / 2 - 1]! + sorted[k / 2]!) / 2;
  r.medianStep = median;
  const limit = GAP_FACTOR * median;
  prev = NaN;
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    if (t !== t) continue;
    if (prev === prev) {
      const dt = t - prev;
      if (dt > limit) {
        if (r.gaps++ === 0) r.firstGapLine = lines[i]!;
        if (dt > r.largestGap) {
          r.largestGap = dt;
          r.largestGapLine = lines[i]!;
        }
      }
    }
    prev = t;
  }
  return r;
}
