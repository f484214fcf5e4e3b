// Times one configurator click (check + quote on the demo catalog) in wasm, under Node's V8
// (the JavaScript engine of Chromium). Build first:
//   cargo build --manifest-path configurator/wasm-bench/Cargo.toml --target wasm32-unknown-unknown --release
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const path = process.argv[2] ?? "configurator/wasm-bench/target/wasm32-unknown-unknown/release/configurator_wasm_bench.wasm";
const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
const { setup, clicks } = instance.exports;
if (setup() !== 1) throw new Error("the demo catalog did not compile");

clicks(2000, 1); // warm-up: let V8 tier up the code
for (const [name, vary] of [["typical (5 choices)", 0], ["varying (1-5 choices)", 1]]) {
  const samples = [];
  for (let round = 0; round < 30; round++) {
    const n = 200;
    const start = performance.now();
    clicks(n, vary);
    samples.push(((performance.now() - start) * 1000) / n);
  }
  samples.sort((a, b) => a - b);
  const pick = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  console.log(`wasm click ${name}: median ${pick(0.5).toFixed(1)} µs, p90 ${pick(0.9).toFixed(1)} µs (30 rounds of 200 clicks)`);
}
