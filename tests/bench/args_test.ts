import assert from "node:assert/strict";
import { BENCH_BACKENDS, parseBenchArgs } from "../../bench/args.ts";
import { WORKLOADS } from "../../bench/workloads.ts";

Deno.test("--backend takes its value after = or as the next argument", () => {
  assert.equal(parseBenchArgs(["--backend=webgpu"]).backend, "webgpu");
  assert.equal(parseBenchArgs(["--backend", "webgpu", "--quick"]).backend, "webgpu");
  assert.equal(parseBenchArgs(["--backend", "cpu"]).backend, "cpu");
  assert.equal(parseBenchArgs(["--backend=kerno"]).backend, "kerno");
  assert.equal(parseBenchArgs([]).backend, undefined);
  // the value after --backend is not read as an option
  const a = parseBenchArgs(["--backend", "webgpu", "--only=mlp"]);
  assert.deepEqual(a.only, ["mlp"]);
});

Deno.test("an unknown --backend is an error naming the value and the choices", () => {
  for (const args of [["--backend=tpu"], ["--backend", "tpu"]]) {
    assert.throws(() => parseBenchArgs(args), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /"tpu"/);
      for (const b of BENCH_BACKENDS) assert.ok(e.message.includes(`"${b}"`), e.message);
      return true;
    });
  }
  assert.throws(() => parseBenchArgs(["--backend"]), /needs a value.*"webgpu"/);
  assert.throws(() => parseBenchArgs(["--backend", "--quick"]), /needs a value/);
  assert.throws(() => parseBenchArgs(["--backend="]), /backend ""/);
});

Deno.test("the anchors are skipped on webgpu unless --anchors, and say why", () => {
  const gpu = parseBenchArgs(["--backend=webgpu"]);
  assert.equal(gpu.anchors, false);
  assert.match(gpu.anchorsSkipped!, /CPU/);
  assert.equal(parseBenchArgs(["--backend=webgpu", "--anchors"]).anchors, true);
  assert.equal(parseBenchArgs(["--backend=webgpu", "--anchors", "--no-anchors"]).anchors, false);
  assert.equal(parseBenchArgs(["--backend=cpu"]).anchors, true);
  assert.equal(parseBenchArgs([]).anchors, true);
  assert.equal(parseBenchArgs([]).anchorsSkipped, undefined);
  assert.equal(parseBenchArgs(["--no-anchors"]).anchorsSkipped, "--no-anchors");
});

Deno.test("--quick, --only, --no-functional and --out read as before", () => {
  const a = parseBenchArgs(["--quick", "--only=lstm,mlp", "--no-functional", "--out=x/y.json"]);
  assert.equal(a.quick, true);
  assert.deepEqual(a.only, ["lstm", "mlp"]);
  assert.equal(a.noFunctional, true);
  assert.equal(a.out, "x/y.json");
  const d = parseBenchArgs([]);
  assert.deepEqual(d.only, [...WORKLOADS]);
  assert.equal(d.quick, false);
  assert.equal(d.out, undefined);
  assert.throws(() => parseBenchArgs(["--only=mlp,gan"]), /received "gan"/);
});
