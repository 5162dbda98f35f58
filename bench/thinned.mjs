// The replay's cost split in two (issue #19): what every replayed check pays (Node, the CLI, the
// SDK pipeline, the rules) and what it pays per Azure Monitor metric point. The story's recording
// is copied with every metric series thinned to each `every`-th point; replaying both, the
// difference over the points left out is the price of one point, start to verdict. Reported, never
// a target: the 3x target is of the story as recorded.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asciiJson } from "../dist/collect/recording.js";

/** A metric answer's series, each thinned to every `every`-th point; any other body as it is. */
function thinBody(body, every) {
  if (typeof body !== "string" || !body.includes('"timeseries"')) return { body, kept: 0, dropped: 0 };
  const value = JSON.parse(body);
  let [kept, dropped] = [0, 0];
  for (const metric of value.value ?? [])
    for (const series of metric.timeseries ?? []) {
      const data = series.data ?? [];
      series.data = data.filter((_, i) => i % every === 0);
      kept += series.data.length;
      dropped += data.length - series.data.length;
    }
  return { body: JSON.stringify(value), kept, dropped };
}

/** A copy of the recording in `dir`, in a new temporary directory, with its metric points thinned. */
export function thinnedRecording(dir, every = 20) {
  const recording = JSON.parse(readFileSync(join(dir, "recording.json"), "utf8"));
  let [kept, dropped] = [0, 0];
  for (const exchange of recording.exchanges) {
    const thinned = thinBody(exchange.response.body, every);
    exchange.response.body = thinned.body;
    kept += thinned.kept;
    dropped += thinned.dropped;
  }
  const out = mkdtempSync(join(tmpdir(), "azfn-health-bench-thinned-"));
  // In ASCII, as the recorder writes (src/collect/recording.ts): the same decoding cost per byte.
  writeFileSync(join(out, "recording.json"), asciiJson(JSON.stringify(recording)));
  return { dir: out, kept, dropped };
}
