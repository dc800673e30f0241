/** Questions on a terminal (login). Secrets are read with echo off. */
import { createInterface } from 'node:readline';

export function canPrompt(env: Record<string, string | undefined>): boolean {
  return process.stdin.isTTY === true || env['IAMKIT_FORCE_TTY'] === '1';
}

/** Asks one question on stderr; `secret` hides what is typed. Ctrl-C/EOF rejects. */
export function ask(question: string, options: { secret?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let answered = false;
    if (options.secret) {
      // Echo nothing while the answer is typed; the question itself is written once below.
      const output = rl as unknown as { _writeToOutput?: (s: string) => void };
      output._writeToOutput = (text: string) => {
        if (text.includes('\n') || text.includes('\r')) process.stderr.write('\n');
      };
    }
    process.stderr.write(question);
    rl.on('line', (line) => {
      answered = true;
      rl.close();
      resolve(line.trim());
    });
    rl.on('close', () => {
      if (!answered) reject(new Error('no answer (input closed)'));
    });
    rl.on('SIGINT', () => {
      answered = true;
      rl.close();
      process.stderr.write('\n');
      const error = new Error('interrupted');
      error.name = 'AbortError'; // exit 130, like any Ctrl-C
      reject(error);
    });
  });
}
