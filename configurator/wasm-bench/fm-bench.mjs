// Times feature-model clicks in wasm under Node's V8. Build first:
//   cargo build --manifest-path configurator/wasm-bench/Cargo.toml --target wasm32-unknown-unknown --release
// then: node configurator/wasm-bench/fm-bench.mjs MODEL.(dimacs|uvl) [clicks] [seed]
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const model = process.argv[2] ?? "../shared/data/feature-models/automotive01.dimacs";
const clicks = Number(process.argv[3] ?? 100);
const seed = Number(process.argv[4] ?? 1);
const wasm = new URL("./target/wasm32-unknown-unknown/release/configurator_wasm_bench.wasm", import.meta.url);
const { instance } = await WebAssembly.instantiate(readFileSync(wasm), {});
const { memory, fm_input, fm_setup, fm_click } = instance.exports;
const text = readFileSync(model);
const ptr = fm_input(text.length);
new Uint8Array(memory.buffer, ptr, text.length).set(text);
let start = performance.now();
const features = fm_setup(model.endsWith(".uvl") ? 1 : 0, seed);
if (features === 0) throw new Error(`${model} did not parse`);
const setupMs = performance.now() - start;
const samples = [];
for (let i = 0; i < clicks; i++) {
  start = performance.now();
  fm_click();
  samples.push(performance.now() - start);
}
samples.sort((a, b) => a - b);
const pick = (q) => samples[Math.min(samples.length - 1, Math.round(q * (samples.length - 1)))];
console.log(JSON.stringify({ model, features, clicks, seed, setup_ms: setupMs, click_ms: { p50: pick(0.5), p90: pick(0.9), max: samples[samples.length - 1] } }));
