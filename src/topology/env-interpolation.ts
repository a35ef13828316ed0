/**
 * `${VAR}` and `${VAR:-default}` in topology values. Interpolation happens on parsed YAML
 * scalars, never on the raw text, so a value from the environment cannot inject YAML.
 */

export type Environment = Readonly<Record<string, string | undefined>>;

export type InterpolationResult =
  | { readonly ok: true; readonly value: string; readonly interpolated: boolean }
  | { readonly ok: false; readonly missing: readonly string[] };

// `$${...}` is an escaped literal; otherwise `${NAME}` or `${NAME:-default}` (the default may be empty).
const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolateEnv(template: string, env: Environment): InterpolationResult {
  const missing: string[] = [];
  let interpolated = false;
  const value = template.replace(
    PLACEHOLDER,
    (match, name: string | undefined, fallback: string | undefined) => {
      if (name === undefined) return '${';
      interpolated = true;
      const fromEnv = env[name];
      if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
      if (fallback !== undefined) return fallback;
      missing.push(name);
      return match;
    },
  );
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, value, interpolated };
}

/** True when the whole value is one placeholder, so its result may be re-typed (`${PORT}` → 9092). */
export function isSinglePlaceholder(template: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/.test(template);
}
