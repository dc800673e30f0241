/**
 * Building blocks every model module uses, so request/response leniency and secret
 * marking are decided once. Request schemas are strict (`v.strictObject`); response
 * schemas are lenient (`v.looseObject`, {@link openEnum}, read-only fields optional).
 */
import * as v from 'valibot';

/**
 * `T` without the `[key: string]: unknown` that `v.looseObject` adds, at every depth. Unknown
 * fields a newer server sends still pass through at runtime; in the type, a misspelt field
 * (`group.groupID`) is a compile error rather than `unknown`. Index signatures with a real
 * value type (`tags: Record<string, string>`) are kept.
 */
export type KnownFields<T> = T extends readonly (infer Item)[]
  ? KnownFields<Item>[]
  : T extends object
    ? {
        [K in keyof T as string extends K ? (unknown extends T[K] ? never : K) : K]: KnownFields<
          T[K]
        >;
      }
    : T;

/** What a lenient response schema gives a user: its output, {@link KnownFields} only. */
export type ResponseOf<TSchema extends v.GenericSchema> = KnownFields<v.InferOutput<TSchema>>;

/** An enum that tolerates values a newer server may add, while keeping autocomplete. */
export type OpenEnum<T extends string> = T | (string & {});

/**
 * Response-side enum: any string passes, the known values are kept in metadata so the
 * conformance test and generated docs still see them.
 */
export function openEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return v.pipe(
    v.custom<OpenEnum<T[number]>>((input) => typeof input === 'string', 'Expected a string'),
    v.metadata({ enum: values }),
  );
}

/**
 * Marks a write-only secret (a password, a key, a token). Transport and server read the
 * mark (see {@link isSecretSchema}) and {@link SECRET_FIELD_NAMES} to redact the value.
 */
export function secret<const TSchema extends v.GenericSchema<string>>(schema: TSchema) {
  return v.pipe(schema, v.metadata({ secret: true, writeOnly: true }));
}

/** Marks a field the server sets; requests never carry it and responses may omit it. */
export function readOnly<const TSchema extends v.GenericSchema>(schema: TSchema) {
  return v.pipe(schema, v.metadata({ readOnly: true }));
}

/**
 * A JSON object mapping any key to a value of `value`: `v.record` for free-form maps such as
 * Authress `tags`, except that it keeps every key. valibot's `record` and `looseObject` drop
 * `__proto__`, `constructor` and `prototype` (against prototype pollution), which would lose a
 * tag of that name without a word. The output has no prototype, so no key can reach one;
 * `value`'s issues carry the key in their path.
 */
export function stringMap<const TValue extends v.GenericSchema<unknown, string>>(value: TValue) {
  return v.pipe(
    v.custom<Record<string, v.InferInput<TValue>>>(
      (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
      (issue) =>
        `Invalid type: Expected Object but received ${Array.isArray(issue.input) ? 'Array' : issue.received}`,
    ),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const input = dataset.value as Record<string, unknown>;
      const output: Record<string, v.InferOutput<TValue>> = Object.create(null);
      let valid = true;
      for (const key of Object.keys(input)) {
        const result = v.safeParse(value, input[key]);
        if (result.success) {
          output[key] = result.output;
          continue;
        }
        valid = false;
        for (const issue of result.issues) {
          addIssue({
            message: issue.message,
            input: issue.input,
            path: [{ type: 'object', origin: 'value', input, key, value: input[key] }],
          });
        }
      }
      return valid ? output : NEVER;
    }),
    v.metadata({ mapValue: value }),
  );
}

/** The value schema of a {@link stringMap}, for tools that describe schemas (JSON Schema, tests). */
export function stringMapValue(schema: unknown): v.GenericSchema | undefined {
  return metadataOf(schema)['mapValue'] as v.GenericSchema | undefined;
}

type MetadataCarrier = { pipe?: readonly unknown[] };

function metadataOf(schema: unknown): Record<string, unknown> {
  const pipe = (schema as MetadataCarrier).pipe ?? [];
  const out: Record<string, unknown> = {};
  for (const item of pipe) {
    const action = item as { kind?: string; type?: string; metadata?: Record<string, unknown> };
    if (action.kind === 'metadata' && action.type === 'metadata' && action.metadata) {
      Object.assign(out, action.metadata);
    }
  }
  return out;
}

export function isSecretSchema(schema: unknown): boolean {
  return metadataOf(schema)['secret'] === true;
}

export function isReadOnlySchema(schema: unknown): boolean {
  return metadataOf(schema)['readOnly'] === true;
}

export function openEnumValues(schema: unknown): readonly string[] | undefined {
  const values = metadataOf(schema)['enum'];
  return Array.isArray(values) ? (values as string[]) : undefined;
}

/**
 * Every field name that holds a secret in any API we cover, plus the credential names
 * callers pass to our own constructors. Redaction matches these case-insensitively; a
 * test checks that every field marked with {@link secret} is listed here.
 */
export const SECRET_FIELD_NAMES: readonly string[] = [
  'password',
  'api_key',
  'apiKey',
  'token',
  'accessKey',
  'access_key',
  'privateKey',
  'private_key',
  'secret_access_key',
  'account_key',
  'key_text',
  'sas_token',
  'external_id',
  'client_secret',
  'authorization',
  'x-tiledb-rest-api-key',
  'cookie',
  'set-cookie',
];
