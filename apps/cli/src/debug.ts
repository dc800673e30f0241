/**
 * `--debug`: one stderr line per HTTP request, response, retry and failure. The transport
 * hands hooks redacted URLs, headers and bodies only, so no secret reaches the trace.
 */
import type { TransportHooks } from '@iamkit/transport';
import type { Output } from './output.js';

const headerText = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('; ');

/** The transport has already removed secrets from the body; long bodies are cut for the trace. */
const MAX_TRACED_BODY = 4000;
function bodyText(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > MAX_TRACED_BODY
    ? `${text.slice(0, MAX_TRACED_BODY)}... (${text.length} characters)`
    : text;
}

export function debugHooks(out: Output): TransportHooks {
  const s = out.errStyle;
  return {
    beforeRequest(event) {
      out.error(
        s.dim(
          `debug: → ${event.method} ${event.url} (attempt ${event.attempt}) ${headerText(event.headers)}`,
        ),
      );
      if (event.body !== undefined) out.error(s.dim(`debug: → body ${bodyText(event.body)}`));
    },
    afterResponse(event) {
      const id = event.requestId ? ` request-id ${event.requestId}` : '';
      out.error(
        s.dim(
          `debug: ← ${event.status} ${event.method} ${event.url} ${event.durationMs} ms${id} ${headerText(event.headers)}`,
        ),
      );
      if (event.body !== undefined) out.error(s.dim(`debug: ← body ${bodyText(event.body)}`));
    },
    beforeRetry(event) {
      out.error(
        s.dim(
          `debug: retrying ${event.method} ${event.url} in ${Math.round(event.delayMs)} ms after attempt ${event.attempt}: ${event.error.message}`,
        ),
      );
    },
    onError(event) {
      out.error(
        s.dim(
          `debug: ${event.method} ${event.url} failed after ${event.attempts} attempt(s): ${event.error.name}`,
        ),
      );
    },
  };
}
