/**
 * Fault rules for testing clients' retries and timeouts: latency, error statuses (with
 * `Retry-After`), dropped connections (before the request is handled, or after it was
 * handled: a lost response); for the next N matching requests or with a probability.
 */
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';

const LatencySchema = v.union([
  v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(120_000)),
  v.strictObject({
    min: v.pipe(v.number(), v.integer(), v.minValue(0)),
    max: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(120_000)),
  }),
]);

export const FaultRuleSchema = v.pipe(
  v.strictObject({
    /** HTTP method, or `*` (default) for any. */
    method: v.optional(v.pipe(v.string(), v.toUpperCase()), '*'),
    /** Path glob: `*` matches within one segment, `**` across segments. */
    path: v.pipe(v.string(), v.startsWith('/', 'must start with "/"')),
    /** Milliseconds, or `{min, max}` for a random delay. */
    latencyMs: v.optional(LatencySchema),
    status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599))),
    /** `Retry-After` header value: seconds or an HTTP date. */
    retryAfter: v.optional(v.union([v.pipe(v.number(), v.minValue(0)), v.string()])),
    /** Close the connection without a response, before the request is handled. */
    drop: v.optional(v.boolean()),
    /**
     * Handle the request (a write is applied), then close the connection instead of
     * answering: a lost response.
     */
    dropAfter: v.optional(v.boolean()),
    /** Apply to the next N matching requests only. */
    times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    /** Apply to each matching request with this probability (0..1). */
    probability: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  }),
  v.check(
    (r) =>
      r.latencyMs !== undefined ||
      r.status !== undefined ||
      r.drop === true ||
      r.dropAfter === true,
    'a fault needs latencyMs, status or drop (or dropAfter)',
  ),
  v.check(
    (r) =>
      [r.status !== undefined, r.drop === true, r.dropAfter === true].filter(Boolean).length <= 1,
    'give only one of status, drop and dropAfter',
  ),
  v.check(
    (r) => typeof r.latencyMs !== 'object' || r.latencyMs.min <= r.latencyMs.max,
    'latencyMs.min must not exceed latencyMs.max',
  ),
);

export type FaultRuleInput = v.InferInput<typeof FaultRuleSchema>;

export interface FaultRule extends v.InferOutput<typeof FaultRuleSchema> {
  id: string;
  /** How many requests this rule has affected. */
  hits: number;
  /** Left of `times`, when set. */
  remaining?: number;
}

export interface FaultAction {
  ruleId: string;
  latencyMs: number;
  status?: number;
  retryAfter?: string;
  /** Close the connection before handling the request. */
  drop: boolean;
  /** Handle the request, then close the connection instead of answering. */
  dropAfter: boolean;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        source += '.*';
        i++;
      } else {
        source += '[^/]*';
      }
    } else {
      source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

export class FaultRules {
  private rules: Array<FaultRule & { pattern: RegExp }> = [];

  add(input: v.InferOutput<typeof FaultRuleSchema>): FaultRule {
    const rule: FaultRule & { pattern: RegExp } = {
      ...input,
      id: randomUUID(),
      hits: 0,
      pattern: globToRegExp(input.path),
    };
    if (input.times !== undefined) rule.remaining = input.times;
    this.rules.push(rule);
    return this.describe(rule);
  }

  list(): FaultRule[] {
    return this.rules.map((r) => this.describe(r));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): number {
    const n = this.rules.length;
    this.rules = [];
    return n;
  }

  /** The first rule that fires for this request, consuming one of its `times`. */
  match(method: string, path: string): FaultAction | undefined {
    for (const rule of this.rules) {
      if (rule.method !== '*' && rule.method !== method) continue;
      if (!rule.pattern.test(path)) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
      rule.hits++;
      if (rule.remaining !== undefined) rule.remaining--;
      const latency = rule.latencyMs;
      const latencyMs =
        latency === undefined
          ? 0
          : typeof latency === 'number'
            ? latency
            : latency.min + Math.floor(Math.random() * (latency.max - latency.min + 1));
      const action: FaultAction = {
        ruleId: rule.id,
        latencyMs,
        drop: rule.drop === true,
        dropAfter: rule.dropAfter === true,
      };
      if (rule.status !== undefined) action.status = rule.status;
      if (rule.retryAfter !== undefined) action.retryAfter = String(rule.retryAfter);
      return action;
    }
    return undefined;
  }

  private describe(rule: FaultRule & { pattern: RegExp }): FaultRule {
    const { pattern: _pattern, ...rest } = rule;
    return { ...rest };
  }
}
