// A floor for the replay (issue #19, README "Speed"): what reading the story's recording and
// parsing it and each of its bodies costs with nothing else loaded, no CLI, no SDK. Run by
// bench/run.mjs as a cold-start row beside the replay itself.
import { readFileSync } from "node:fs";

const recording = JSON.parse(readFileSync(process.argv[2], "utf8"));
let parsed = 0;
for (const exchange of recording.exchanges)
  if (typeof exchange.response.body === "string" && exchange.response.body.startsWith("{"))
    parsed += Object.keys(JSON.parse(exchange.response.body)).length;
if (parsed === 0) throw new Error("no JSON body parsed");
