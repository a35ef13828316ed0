/**
 * Reference tables rendered from JSON Schemas, so that docs cannot drift from what the
 * validators accept: docs/topology.md's topology reference and docs/model-manifest.md.
 */

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

interface Row {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly defaultValue: string;
  readonly description: string;
}

/** One table row per field of `schema` (a JSON Schema object), nested fields dotted. */
export function schemaReferenceMarkdown(schema: object): string {
  const rows: Row[] = [];
  collectRows(schema as JsonSchema, '', rows);
  const lines = [
    '| field | type | default | description |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| \`${row.path}\`${row.required ? ' *' : ''} | ${row.type} | ${row.defaultValue} | ${escapeCell(row.description)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function collectRows(schema: JsonSchema, prefix: string, rows: Row[]): void {
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const variants = child.oneOf ?? child.items?.oneOf;
    rows.push({
      path,
      type: typeName(child),
      required: schema.required?.includes(key) ?? false,
      defaultValue: child.default === undefined ? '' : `\`${JSON.stringify(child.default)}\``,
      description: child.description ?? child.items?.description ?? '',
    });
    if (variants !== undefined) {
      collectVariants(variants, child.items ? `${path}[]` : path, rows);
    } else if (child.items?.properties) {
      collectRows(child.items, `${path}[]`, rows);
    } else if (child.properties) {
      collectRows(child, path, rows);
    }
  }
}

/**
 * Fields of a discriminated union's variants, once each; a field that only some variants have
 * names them, e.g. `(type: category)`.
 */
function collectVariants(variants: JsonSchema[], path: string, rows: Row[]): void {
  const merged = new Map<string, { row: Row; labels: string[] }>();
  for (const variant of variants) {
    const entries = Object.entries(variant.properties ?? {});
    const [discriminatorKey, discriminator] =
      entries.find(([, property]) => property.const !== undefined) ?? [];
    const label = `${discriminatorKey}: ${String(discriminator?.const)}`;
    for (const [key, child] of entries) {
      const row: Row =
        child === discriminator
          ? {
              path: `${path}.${key}`,
              type: typeName(child),
              required: true,
              defaultValue: '',
              description: variant.description ?? '',
            }
          : {
              path: `${path}.${key}`,
              type: typeName(child),
              required: variant.required?.includes(key) ?? false,
              defaultValue:
                child.default === undefined ? '' : `\`${JSON.stringify(child.default)}\``,
              description: child.description ?? child.items?.description ?? '',
            };
      const id = JSON.stringify(row);
      const existing = merged.get(id);
      if (existing) existing.labels.push(label);
      else merged.set(id, { row, labels: [label] });
    }
  }
  const nested = new Map<string, JsonSchema[]>();
  for (const variant of variants) {
    for (const [key, child] of Object.entries(variant.properties ?? {})) {
      if (child.items?.oneOf) nested.set(`${path}.${key}[]`, child.items.oneOf);
    }
  }
  for (const { row, labels } of merged.values()) {
    const shared = labels.length === variants.length;
    rows.push(shared ? row : { ...row, description: `(${labels.join(', ')}) ${row.description}` });
    const nestedVariants = nested.get(`${row.path}[]`);
    if (nestedVariants !== undefined) {
      nested.delete(`${row.path}[]`);
      collectVariants(nestedVariants, `${row.path}[]`, rows);
    }
  }
}

function typeName(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (schema.oneOf) return 'one of the variants below';
  if (schema.anyOf) return schema.anyOf.map(typeName).join(' or ');
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  const base = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  if (base === 'array') return `list of ${schema.items ? typeName(schema.items) : 'any'}`;
  return base === 'object' ? 'mapping' : base;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * `document` with the section between `<!-- name:start ... -->` and `<!-- name:end -->`
 * replaced by `content`.
 */
export function replaceGeneratedSection(document: string, name: string, content: string): string {
  const startMarker = `<!-- ${name}:start (generated by \`npm run schema\`) -->`;
  const endMarker = `<!-- ${name}:end -->`;
  const start = document.indexOf(startMarker);
  const end = document.indexOf(endMarker);
  if (start === -1 || end < start) {
    throw new Error(`no ${name} markers (${startMarker} ... ${endMarker})`);
  }
  // Prettier would realign the table; the ignore markers keep the generated text byte-exact.
  return `${document.slice(0, start + startMarker.length)}\n<!-- prettier-ignore-start -->\n\n${content}\n<!-- prettier-ignore-end -->\n${document.slice(end)}`;
}
