/**
 * Keras's checkpoint file-name templates: Python `str.format` fields such as
 * `{epoch}`, `{epoch:02d}` or `{val_loss:.2f}`, filled from the epoch
 * (1-based), the batch and the logs.
 *
 * @module
 */

/**
 * Fills a file-name template.
 *
 * @param template E.g. `"ckpt/weights.{epoch:02d}-{val_loss:.2f}.weights.h5"`.
 * @param values The values by name (`epoch`, `batch`, log keys).
 * @returns The file name.
 */
export function formatFilepath(template: string, values: Record<string, number>): string {
  return template.replace(
    /\{\{|\}\}|\{([^{}:]*)(?::([^{}]*))?\}/g,
    (match, key?: string, spec?: string) => {
      if (match === "{{") return "{";
      if (match === "}}") return "}";
      const value = values[key ?? ""];
      if (value === undefined) {
        throw new RangeError(
          `Cannot fill the checkpoint path "${template}" as "{${key}}" is not a logged value: available are ${
            Object.keys(values).join(", ")
          }`,
        );
      }
      return formatNumber(value, spec ?? "", template);
    },
  );
}

function formatNumber(value: number, spec: string, template: string): string {
  const m = /^(0?)(\d*)(?:\.(\d+))?([dfFeEgG%s]?)$/.exec(spec);
  if (!m) {
    throw new RangeError(
      `Cannot fill the checkpoint path "${template}" as format "${spec}" is not supported: use forms like 02d, .2f, .3e`,
    );
  }
  const [, zero, width, precision, type] = m;
  const p = precision === undefined ? undefined : Number(precision);
  let text: string;
  switch (type) {
    case "d":
      text = String(Math.trunc(value));
      break;
    case "f":
    case "F":
      text = value.toFixed(p ?? 6);
      break;
    case "e":
    case "E":
      text = value.toExponential(p ?? 6).replace(/e([+-])(\d)$/, "e$10$2");
      break;
    case "g":
    case "G":
      text = String(Number(value.toPrecision(p ?? 6)));
      break;
    case "%":
      text = `${(value * 100).toFixed(p ?? 6)}%`;
      break;
    default:
      text = p === undefined ? String(value) : String(Number(value.toPrecision(Math.max(1, p))));
  }
  const w = width === "" ? 0 : Number(width);
  if (text.length >= w) return text;
  if (zero === "0") {
    const negative = text.startsWith("-");
    const digits = negative ? text.slice(1) : text;
    return (negative ? "-" : "") + digits.padStart(w - (negative ? 1 : 0), "0");
  }
  return text.padStart(w, " ");
}
