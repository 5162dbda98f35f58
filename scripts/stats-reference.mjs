#!/usr/bin/env node
// One-off: writes test/fixtures/stats-reference.json, the reference table for the Mann-Whitney
// interval (test/stats.test.ts). R and scipy are not installed here, so every value is computed by
// brute force, independently of src/analyse/metrics/stats.ts: all n·m differences listed and
// sorted; R's wilcox.test rules applied literally (exact branch: the null distribution of U by
// R's own cwilcox recursion, qwilcox with R's 10·DBL_EPSILON fuzz; asymptotic branch: R's wdiff,
// ranks with ties averaged, evaluated at every difference and between every two, the root being
// the difference where it changes sign). Inputs are integers or halves, so x − mu == y is exact.
// Run: node scripts/stats-reference.mjs
import { writeFileSync } from "node:fs";

let seed = 20261201;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const ints = (n, lo, hi) => Array.from({ length: n }, () => lo + Math.floor(random() * (hi - lo + 1)));
const distinct = (n, lo, hi) => {
  const set = new Set();
  while (set.size < n) set.add(lo + Math.floor(random() * (hi - lo + 1)));
  return [...set];
};

// Acklam's inverse normal, refined by one Halley step against erfc: |error| < 1e-15.
function erfc(x) {
  // Continued fraction / series good to ~1e-16 (W. J. Cody's rational approximations are longer).
  const z = Math.abs(x);
  let r;
  if (z < 2) {
    // Taylor series of erf.
    let sum = z;
    let term = z;
    for (let k = 1; k < 200; k++) {
      term *= (-z * z) / k;
      sum += term / (2 * k + 1);
    }
    r = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // Lentz continued fraction for erfc.
    let f = z;
    let C = z;
    let D = 0;
    for (let k = 1; k < 500; k++) {
      const a = k / 2;
      D = z + a * D;
      D = 1 / D;
      C = z + a / C;
      const delta = C * D;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    r = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  }
  return x >= 0 ? r : 2 - r;
}
function qnorm(p) {
  // Bisection on the CDF: slow and simple, independent of the tool's approximation.
  let [lo, hi] = [-40, 40];
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (0.5 * erfc(-mid / Math.SQRT2) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function rankSumX(x, y, mu) {
  const pooled = [...x.map((v) => ({ v: v - mu, fromX: true })), ...y.map((v) => ({ v, fromX: false }))];
  pooled.sort((a, b) => a.v - b.v);
  let sum = 0;
  let ties = 0;
  for (let i = 0; i < pooled.length;) {
    let j = i;
    while (j < pooled.length && pooled[j].v === pooled[i].v) j++;
    const t = j - i;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (pooled[k].fromX) sum += rank;
    ties += t ** 3 - t;
    i = j;
  }
  return { sum, ties };
}

function wdiff(x, y, mu, zq) {
  const [n, m] = [x.length, y.length];
  const { sum, ties } = rankSumX(x, y, mu);
  const dz = sum - (n * (n + 1)) / 2 - (n * m) / 2;
  const correction = Math.sign(dz) * 0.5;
  const sigma = Math.sqrt(((n * m) / 12) * (n + m + 1 - ties / ((n + m) * (n + m - 1))));
  return (dz - correction) / sigma - zq;
}

const memo = new Map();
function cwilcox(k, m, n) {
  // R nmath/wilcox.c: the number of ways to get U = k with sizes m and n.
  const u = m * n;
  if (k < 0 || k > u) return 0;
  const c = Math.floor(u / 2);
  if (k > c) k = u - k;
  let [i, j] = m < n ? [m, n] : [n, m];
  if (j === 0) return k === 0 ? 1 : 0;
  if (j > 0 && k < j) return cwilcox(k, i, k);
  const key = `${i},${j},${k}`;
  if (!memo.has(key)) memo.set(key, cwilcox(k - j, i - 1, j) + cwilcox(k, i, j - 1));
  return memo.get(key);
}
function qwilcox(p, m, n) {
  let total = 1;
  for (let i = 1; i <= n; i++) total = (total * (m + i)) / i;
  let cumulative = 0;
  const x = p - 10 * Number.EPSILON;
  for (let q = 0; ; q++) {
    cumulative += cwilcox(q, m, n) / total;
    if (cumulative >= x) return q;
  }
}

function reference(x, y, confLevel, method) {
  const [n, m] = [x.length, y.length];
  const diffs = x.flatMap((a) => y.map((b) => a - b)).sort((a, b) => a - b);
  const N = diffs.length;
  const median = N % 2 ? diffs[(N - 1) / 2] : (diffs[N / 2 - 1] + diffs[N / 2]) / 2;
  const pooled = [...x, ...y];
  const ties = new Set(pooled).size !== pooled.length;
  const alpha = 1 - confLevel;
  if (method === "auto" && n < 50 && m < 50 && !ties) {
    let qu = qwilcox(alpha / 2, n, m);
    if (qu === 0) qu = 1;
    return { branch: "exact", low: diffs[qu - 1], high: diffs[N - qu], estimate: median };
  }
  const z = qnorm(1 - alpha / 2);
  const values = [...new Set(diffs)];
  // R's root: where wdiff turns non-positive, judged between two differences (no cross ties).
  const between = (i) => (i + 1 < values.length ? (values[i] + values[i + 1]) / 2 : values[i] + 1);
  const root = (zq) => {
    if (wdiff(x, y, values[0], zq) <= 0) return { value: values[0], excluded: false };
    if (wdiff(x, y, values.at(-1), zq) >= 0) return { value: values.at(-1), excluded: false };
    for (let i = 0; i < values.length; i++)
      if (wdiff(x, y, between(i), zq) <= 0) {
        const at = wdiff(x, y, values[i], zq);
        return { value: values[i], at };
      }
    throw new Error("no root");
  };
  const lower = root(z);
  const upper = root(-z);
  return {
    branch: "asymptotic",
    low: lower.value,
    high: upper.value,
    estimate: median,
    // R's test at the bound itself rejects it: the interval is open there.
    lowExcluded: lower.at !== undefined && lower.at > 0,
    highExcluded: upper.at !== undefined && upper.at < 0,
  };
}

const cases = [];
const add = (id, x, y, confLevel, method, note) => {
  const expected = reference(x, y, confLevel, method);
  cases.push({ id, ...(note ? { note } : {}), confLevel, method, experiment: x, control: y, expected });
};

// Small samples without ties: R's exact branch (method auto) and the normal approximation.
for (const [n, m] of [
  [4, 4],
  [5, 7],
  [8, 6],
  [10, 10],
  [12, 9],
  [15, 20],
  [30, 25],
  [49, 49],
]) {
  const pool = distinct(n + m, 1, 10_000);
  const x = pool.slice(0, n).map((v) => v + 300);
  const y = pool.slice(n);
  for (const confLevel of [0.95, 0.98]) {
    add(`exact-${n}x${m}-${confLevel}`, x, y, confLevel, "auto");
    add(`asymptotic-${n}x${m}-${confLevel}`, x, y, confLevel, "asymptotic");
  }
}
// Ties: the asymptotic branch with the tie correction, whatever the method.
for (const [n, m, hi] of [
  [12, 15, 6],
  [40, 35, 20],
  [90, 80, 50],
]) {
  add(`ties-${n}x${m}`, ints(n, 1, hi), ints(m, 1, hi), 0.98, "auto");
}
// Spiky latency in ms: one bucket 100-1000x the level.
const spiky = (n, level, factor, spikeAt, spike) =>
  Array.from({ length: n }, (_, i) =>
    i === spikeAt ? level * spike : Math.round(level * factor * (0.9 + 0.2 * random())),
  );
for (const spike of [100, 1000]) {
  add(
    `spiky-${spike}x-shift-20pct`,
    spiky(120, 200, 1.2, 7, spike),
    spiky(120, 200, 1, 90, spike),
    0.98,
    "auto",
    "a real +20 % shift",
  );
  add(
    `spiky-${spike}x-no-shift`,
    spiky(120, 200, 1, 33, spike),
    spiky(120, 200, 1, 61, spike),
    0.98,
    "auto",
    "no shift",
  );
  add(
    `spiky-${spike}x-one-side`,
    spiky(120, 200, 1, 12, spike),
    spiky(120, 200, 1, -1, 1),
    0.98,
    "auto",
    "no shift, spike after only",
  );
}
// Zero-inflated counts: mostly zeros.
const zeros = (n, p, max) =>
  Array.from({ length: n }, () => (random() < p ? 1 + Math.floor(random() * max) : 0));
const z1 = zeros(200, 0.05, 3);
add("zero-inflated-identical", z1, [...z1].reverse(), 0.98, "auto", "the same values in another order");
add("zero-inflated-no-shift", zeros(200, 0.05, 3), zeros(200, 0.05, 3), 0.98, "auto", "same rate");
add(
  "zero-inflated-more-nonzero",
  zeros(200, 0.3, 3),
  zeros(200, 0.05, 3),
  0.98,
  "auto",
  "six times as many non-zero buckets",
);
add("all-zero-but-one", [...Array(59).fill(0), 1], Array(60).fill(0), 0.98, "auto");

// Published R values, through Kayenta's tie-out tests (spinnaker/kayenta, test/fixtures/kayenta).
const published = [];
const kayenta = JSON.parse(
  (await import("node:fs")).readFileSync(
    new URL("../test/fixtures/kayenta/vectors.json", import.meta.url),
    "utf8",
  ),
).vectors.filter((v) => /tie_out_with_r_version/.test(v.id));
for (const v of kayenta) {
  const confLevel = v.config.confidenceLevel;
  const expected = reference(v.experiment, v.control, confLevel, "asymptotic");
  cases.push({
    id: v.id,
    note: "R's published values (wilcox.test, uniroot tol 1e-4) in r",
    confLevel,
    method: "asymptotic",
    experiment: v.experiment,
    control: v.control,
    expected,
    r: { low: v.expected.ci_low, high: v.expected.ci_high, estimate: v.expected.estimate },
  });
  published.push(v.id);
}

writeFileSync(
  new URL("../test/fixtures/stats-reference.json", import.meta.url),
  `${JSON.stringify(
    {
      description:
        "Reference values for mannWhitneyInterval (stats.ts), computed once by scripts/stats-reference.mjs by brute force, not by the code under test: every n*m difference listed and sorted; R's wilcox.test(x, y, conf.int = TRUE) rules applied literally. method 'auto' is R's default (exact null distribution, by R's cwilcox recursion and qwilcox, when both samples are under 50 and nothing ties), 'asymptotic' the normal approximation with continuity and tie correction (Kayenta's), whose bounds are the differences at which R's wdiff changes sign, found by evaluating wdiff (ranks with ties averaged) at every difference and between every two; lowExcluded/highExcluded: wdiff at the bound itself still rejects it. The estimate is the median of the differences (Hodges-Lehmann). Inputs are integers or halves so every difference is exact. R and scipy are not installed here; the cases whose ids start with kayenta. carry R's own published output in 'r' (from Kayenta's tie-out tests), which must agree within uniroot's tolerance 1e-4.",
      generated: new Date().toISOString().slice(0, 10),
      published,
      cases,
    },
    null,
    0,
  )}\n`,
);
console.log(`${cases.length} cases`);
