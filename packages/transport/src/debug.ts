/** `IAMKIT_LOG=debug` tracing. Env is read through `globalThis.process`, so browsers skip it. */
export type DebugLog = (line: string) => void;

export function debugLogFromEnv(): DebugLog | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const level = env?.['IAMKIT_LOG'];
  if (!level?.split(',').some((item) => item.trim().toLowerCase() === 'debug')) return undefined;
  return (line) => console.error(`[iamkit] ${line}`);
}
