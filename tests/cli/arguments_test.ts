import assert from "node:assert/strict";
import { capture } from "./_capture.ts";

Deno.test("run --help and every command's --help print usage and return 0", async () => {
  for (const args of [[], ["--help"], ["demo", "--help"], ["train", "-h"], ["compare", "--help"]]) {
    const { code, out, err } = await capture(args);
    assert.equal(code, 0, args.join(" "));
    assert.equal(err.length, 0);
    assert.match(out.join("\n"), /Usage: deno task/);
  }
  const { out } = await capture(["compare", "--help"]);
  for (const word of ["--function", "--solvers", "--lr", "--model", "beale", "himmelblau"]) {
    assert.ok(out[0].includes(word), word);
  }
});

Deno.test("run gives exit code 2 and one line on stderr for bad arguments", async () => {
  const cases: [string[], RegExp][] = [
    [["frobnicate"], /^kerno: unknown command "frobnicate": expected demo, train or compare/],
    [["train", "iris", "--bogus"], /^kerno train: Unknown option '--bogus'/],
    [
      ["train", "iris", "--epochs", "zero"],
      /--epochs must be a valid number here: received "zero"/,
    ],
    [
      ["train", "iris", "--batch-size=-3"],
      /--batch-size must be a valid number here: received "-3"/,
    ],
    [
      ["train", "iris", "--schedule", "linear"],
      /--schedule must be one of constant, exponential, cosine/,
    ],
    [["train"], /name a data set \(digits, iris, breast_cancer, diabetes\) or a CSV file/],
    [["train", "mnist"], /must be one of digits, iris, breast_cancer, diabetes or a \.csv file/],
    [
      ["compare", "--function", "sphere"],
      /--function must be one of beale, rosenbrock, saddle, himmelblau/,
    ],
    [
      ["compare", "--solvers", "sgd,lbfgs"],
      /--solvers must be one of sgd, momentum.*received "lbfgs"/,
    ],
    [["compare", "--lr", "adam=fast"], /--lr must be a valid number here: received "fast"/],
    [["compare", "extra"], /unexpected argument "extra"/],
    [
      ["compare", "--model", "--animate"],
      /--animate applies to the test functions, not with --model/,
    ],
    [["compare", "--epochs", "3"], /--epochs applies only with --model/],
    [["demo", "--model", "rnn"], /--model must be one of cnn, mlp/],
  ];
  for (const [args, pattern] of cases) {
    const { code, out, err } = await capture(args);
    assert.equal(code, 2, args.join(" "));
    assert.equal(err.length, 1, `${args.join(" ")}: ${err.join(" | ")}`);
    assert.equal(err[0].split("\n").length, 1);
    assert.match(err[0], pattern);
    assert.equal(out.length, 0);
  }
});

Deno.test("run names a missing CSV file and asks for --target", async () => {
  const missing = await capture(["train", "/no/such/dir/data.csv", "--target", "y"]);
  assert.equal(missing.code, 2);
  assert.match(missing.err[0], /cannot read the data file \/no\/such\/dir\/data\.csv/);
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/d.csv`, "a,b,y\n1,2,0\n");
  const noTarget = await capture(["train", `${dir}/d.csv`]);
  assert.equal(noTarget.code, 2);
  assert.match(noTarget.err[0], /a CSV file needs --target <column>/);
  const wrongTarget = await capture(["train", `${dir}/d.csv`, "--target", "z", "--out", dir]);
  assert.equal(wrongTarget.code, 1);
  assert.match(wrongTarget.err[0], /has no column "z": columns are a, b, y/);
  await Deno.remove(dir, { recursive: true });
});
