/**
 * ROUTES.md is the interface for adding routes: its examples must compile against the
 * real sources. Every ```ts block is written out where its first-line path comment puts it
 * (`// src/routes/groups/index.ts`) and the whole set is type-checked in one run of
 * the repo's tsc, with `rootDirs` overlaying the blocks on `src` so their relative imports
 * reach the real modules. Errors are reported as ROUTES.md line numbers.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const APP = fileURLToPath(new URL('..', import.meta.url));
const REPO = join(APP, '..', '..');
const TSC = join(REPO, 'node_modules', '.bin', 'tsc');
const DOC = 'ROUTES.md';

interface Block {
  /** 1-based line in the document of the block's first code line. */
  line: number;
  code: string;
}

function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    blocks.push({ line: start + 1, code: `${lines.slice(start, end).join('\n')}\n` });
    i = end;
  }
  return blocks;
}

function runTsc(project: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(TSC, ['-p', project, '--pretty', 'false'], { cwd: APP }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

it(`every \`\`\`ts block of ${DOC} type-checks against src`, async () => {
  const blocks = tsBlocks(await readFile(join(APP, DOC), 'utf8'));
  expect(blocks.length).toBeGreaterThanOrEqual(1);
  // Inside the app's node_modules, so package imports (@iamkit/core, hono) resolve as
  // they do from src, and no tool that scans the tree (Biome, git, the build) sees it.
  const cache = join(APP, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'routes-doc-'));
  try {
    const files = new Map<string, Block>();
    for (const [index, block] of blocks.entries()) {
      const where = /^\/\/ (?:apps\/mock-server\/)?(src\/\S+\.ts)\b/.exec(block.code)?.[1];
      expect(where, `${DOC}:${block.line}: start the block with // src/<path>.ts`).toBeDefined();
      const file = join(dir, dirname(where as string), `doc-block-${index + 1}.ts`);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, block.code);
      files.set(file, block);
    }
    const tsconfig = {
      extends: join(REPO, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: true,
        types: ['node'],
        rootDirs: [join(dir, 'src'), join(APP, 'src')],
      },
      files: [...files.keys()],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const result = await runTsc(join(dir, 'tsconfig.json'));
    // `doc-block-1.ts(19,67): error ...` -> `ROUTES.md:28:67: error ...`
    let report = result.output;
    for (const [file, block] of files) {
      const relative = file.slice(APP.length);
      report = report
        .split('\n')
        .map((line) => {
          const at = line.indexOf(`${relative}(`);
          if (at === -1) return line;
          const match = /^\((\d+),(\d+)\)(.*)$/.exec(line.slice(at + relative.length));
          if (!match) return line;
          return `${DOC}:${block.line + Number(match[1]) - 1}:${match[2]}${match[3]}`;
        })
        .join('\n');
    }
    expect(report.trim(), report).toBe('');
    expect(result.code).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000); // one tsc run over the sources the blocks import
