import type { Analysis } from "../analyse/analyse.js";
import type { Ignored } from "../analyse/policy.js";
import type { CheckFacts } from "../core/facts.js";
import type { Release } from "../core/release.js";
import type { Recommendation } from "./decide.js";

export interface CheckResult {
  facts: CheckFacts;
  analysis: Analysis;
  /** What the configuration set aside, with its reasons. */
  ignored: Ignored[];
  release: Release;
  recommendation: Recommendation;
}
