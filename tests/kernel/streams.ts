/**
 * Seeded test streams shared by the kernel tests (independent of both implementations' generators).
 * Not a test file itself.
 */
import { mulberry32, gaussian, shingles } from './kernel-memory';

/** Noisy sine, shingled, with a few constant plateaus (whose shingles repeat exactly). */
export function sineStream(seed: number, n: number, shingleSize: number, period: number, noise: number): number[][] {
  const u = mulberry32(seed);
  const g = gaussian(u);
  const values: number[] = [];
  for (let t = 0; values.length < n + shingleSize - 1; t++) {
    if (t % 150 === 100) {
      const v = values[values.length - 1];
      for (let i = 0; i < shingleSize + 6; i++) values.push(v); // a plateau: duplicate shingles
    }
    values.push(Math.sin((2 * Math.PI * t) / period) + noise * g());
  }
  return shingles(values, shingleSize).slice(0, n);
}

/** A 3-D random walk on a 0.5 grid (many repeated points), sometimes standing still. */
export function walkStream(seed: number, n: number): number[][] {
  const u = mulberry32(seed);
  const g = gaussian(u);
  const x = [0, 0, 0];
  const out: number[][] = [];
  for (let t = 0; t < n; t++) {
    if (u() > 0.15) for (let j = 0; j < 3; j++) x[j] = Math.round((x[j] + g()) * 2) / 2;
    out.push([...x]);
  }
  return out;
}

/** 2-D integer grid 0..4: heavy duplicates, leaves of high multiplicity. */
export function gridStream(seed: number, n: number): number[][] {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () => [Math.floor(u() * 5), Math.floor(u() * 5)]);
}

/** Wildly mixed magnitudes: +-1e30, 1e-30, ordinary values, f32 max. */
export function mixedStream(seed: number, n: number): number[][] {
  const u = mulberry32(seed);
  const pick = () => {
    const r = u();
    if (r < 0.2) return (u() < 0.5 ? -1 : 1) * 1e30 * u();
    if (r < 0.4) return 1e-30 * Math.floor(u() * 4);
    if (r < 0.45) return u() < 0.5 ? 3.4028234663852886e38 : -3.4028234663852886e38;
    return Math.floor(u() * 10) - 5 + u();
  };
  return Array.from({ length: n }, () => [pick(), pick()]);
}
