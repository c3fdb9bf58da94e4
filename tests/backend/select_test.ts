import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  blasAvailable,
  getBackend,
  initBackend,
  registeredBackends,
  setBackend,
} from "../../backend/mod.ts";
import { skipBecause, skipWithoutBlas } from "./_helpers.ts";

const probe = new URL("./_probe.ts", import.meta.url).pathname;
const config = new URL("../../deno.json", import.meta.url).pathname;

async function runProbe(
  permissions: string[],
  mode: "import" | "init",
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  // A clean environment (no inherited KERNO_* variables), keeping what Deno
  // needs to find its cache.
  const base: Record<string, string> = {};
  for (const name of ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR", "LD_LIBRARY_PATH"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) base[name] = value;
  }
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--no-prompt", "--config", config, ...permissions, probe, mode],
    clearEnv: true,
    env: { ...base, ...env },
    stdout: "piped",
    stderr: "piped",
  });
  const out = await cmd.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  // Asking WebGPU for an adapter loads the system's graphics libraries, and where Wayland's is
  // installed it prints this line of its own when no Wayland session is set up: not kerno's.
  const stderr = decode(out.stderr).split("\n").filter((line) => line !== WAYLAND_NOISE).join("\n");
  return { stdout: decode(out.stdout), stderr, code: out.code };
}

const WAYLAND_NOISE = "error: XDG_RUNTIME_DIR is invalid or not set in the environment.";

const READ = ["--allow-read"];

function kernoBackendEnv(): string | null {
  const name = Deno.env.get("KERNO_BACKEND");
  return name === undefined ? null : `KERNO_BACKEND=${name} chooses the backend`;
}

Deno.test("setBackend switches between registered backends and getBackend reports it", async () => {
  try {
    await setBackend("kerno");
    assert.equal(getBackend(), "kerno");
    await setBackend("cpu");
    assert.equal(getBackend(), "cpu");
    assert.ok(registeredBackends().includes("kerno"));
  } finally {
    await tf.setBackend("cpu");
  }
});

Deno.test("setBackend rejects an unknown name with a TypeError listing the registered ones", async () => {
  await assert.rejects(() => setBackend("tpu"), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /"tpu" is not registered: expected one of .*"cpu".*"kerno"/);
    return true;
  });
});

Deno.test({
  name: "initBackend picks kerno silently when --allow-ffi is granted and BLAS loads",
  ignore: skipWithoutBlas("initBackend's choice of kerno") ||
    skipBecause("initBackend's choice of kerno", kernoBackendEnv()),
  fn: async () => {
    try {
      const choice = await initBackend();
      assert.deepEqual(choice, { backend: "kerno" });
      assert.equal(getBackend(), "kerno");
    } finally {
      await tf.setBackend("cpu");
    }
  },
});

Deno.test("importing backend/mod.ts prints nothing and needs no permission", async () => {
  const { stdout, stderr, code } = await runProbe(READ, "import");
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "");
  assert.equal(stderr, "");
});

Deno.test("initBackend without --allow-ffi uses cpu, says why in one line, once; kerno still computes via the fallback", async () => {
  const { stdout, stderr, code } = await runProbe(READ, "init");
  assert.equal(code, 0, stderr);
  assert.equal(stderr, 'kerno: --allow-ffi is not granted; using the "cpu" backend\n');
  const report = JSON.parse(stdout);
  assert.equal(report.choice.backend, "cpu");
  assert.match(report.choice.reason, /--allow-ffi/);
  assert.equal(report.again.backend, "cpu");
  assert.equal(report.blas, false);
  assert.ok(report.maxDifference < 1e-4, `fallback differs from cpu by ${report.maxDifference}`);
});

Deno.test("initBackend with KERNO_BLAS=none behaves as if no BLAS were found: cpu, one line, kerno via the fallback", async () => {
  const { stdout, stderr, code } = await runProbe([...READ, "--allow-ffi", "--allow-env"], "init", {
    KERNO_BLAS: "none",
  });
  assert.equal(code, 0, stderr);
  assert.equal(stderr, 'kerno: BLAS not loaded (KERNO_BLAS=none); using the "cpu" backend\n');
  const report = JSON.parse(stdout);
  assert.equal(report.choice.backend, "cpu");
  assert.equal(report.again.backend, "cpu");
  assert.equal(report.blas, false);
  assert.ok(report.maxDifference < 1e-4, `fallback differs from cpu by ${report.maxDifference}`);
});

Deno.test("initBackend follows KERNO_BACKEND when --allow-env grants it, and ignores it otherwise", async () => {
  const withEnv = await runProbe([...READ, "--allow-ffi", "--allow-env"], "init", {
    KERNO_BACKEND: "cpu",
  });
  assert.equal(withEnv.code, 0, withEnv.stderr);
  assert.equal(withEnv.stderr, "");
  assert.deepEqual(JSON.parse(withEnv.stdout).choice, { backend: "cpu" });
  const bogus = await runProbe([...READ, "--allow-env"], "init", { KERNO_BACKEND: "nope" });
  assert.notEqual(bogus.code, 0);
  assert.match(bogus.stderr, /TypeError: Cannot set the backend as "nope" is not registered/);
  if (!blasAvailable()) return;
  const noEnv = await runProbe([...READ, "--allow-ffi"], "init", { KERNO_BACKEND: "cpu" });
  assert.equal(noEnv.code, 0, noEnv.stderr);
  const report = JSON.parse(noEnv.stdout);
  assert.deepEqual(report.choice, { backend: "kerno" });
  assert.ok(report.maxDifference < 1e-4);
});

Deno.test("initBackend reports a missing BLAS library when KERNO_BLAS and the system names all fail", async () => {
  // Only the message format can be checked portably: with a system BLAS
  // present the probe loads it; without one it must name what it tried.
  const r = await runProbe([...READ, "--allow-ffi", "--allow-env"], "init", {
    KERNO_BLAS: "/nonexistent/libcblas.so",
  });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  if (report.blas) {
    assert.equal(report.choice.backend, "kerno");
  } else {
    assert.match(
      r.stderr,
      /^kerno: BLAS not found \(tried \/nonexistent\/libcblas\.so, .*\); using the "cpu" backend\n$/,
    );
  }
});
