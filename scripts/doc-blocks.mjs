/**
 * The one way a contributor document's examples are checked: every ```ts block is written
 * out where its first-line path comment puts it (`// src/routes/groups/index.ts`), and the
 * set is type-checked in one run of the repo's tsc, with `rootDirs` overlaying the blocks on
 * the app's `src` so their relative imports reach the real modules. tsc's errors come back
 * as document line numbers.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const TSC = join(REPO, 'node_modules', '.bin', 'tsc');

function tsBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    // line: 1-based line in the document of the block's first code line.
    blocks.push({ line: start + 1, code: `${lines.slice(start, end).join('\n')}\n` });
    i = end;
  }
  return blocks;
}

function runTsc(project, cwd) {
  return new Promise((resolve) => {
    execFile(TSC, ['-p', project, '--pretty', 'false'], { cwd }, (error, stdout, stderr) => {
      resolve({ exitCode: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** `doc-block-2.ts(19,67): error ...` -> `COMMANDS.md:52:67: error ...` */
function toDocLines(output, files, appDir, doc) {
  let report = output;
  for (const [file, block] of files) {
    const relative = file.slice(appDir.length);
    report = report
      .split('\n')
      .map((line) => {
        const at = line.indexOf(`${relative}(`);
        if (at === -1) return line;
        const match = /^\((\d+),(\d+)\)(.*)$/.exec(line.slice(at + relative.length));
        if (!match) return line;
        return `${doc}:${block.line + Number(match[1]) - 1}:${match[2]}${match[3]}`;
      })
      .join('\n');
  }
  return report.trim();
}

export async function typecheckDocBlocks({ appDir, doc, appPath }) {
  const blocks = tsBlocks(await readFile(join(appDir, doc), 'utf8'));
  const pathComment = new RegExp(
    `^// (?:${appPath.replace(/[/.-]/g, '\\$&')}/)?(src/\\S+\\.ts)\\b`,
  );
  // Inside the app's node_modules, so package imports resolve as they do from src, and no
  // tool that scans the tree (Biome, git, the build) sees the files.
  const cache = join(appDir, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'doc-blocks-'));
  try {
    const files = new Map();
    const problems = [];
    for (const [index, block] of blocks.entries()) {
      const where = pathComment.exec(block.code)?.[1];
      if (where === undefined) {
        problems.push(`${doc}:${block.line}: start the block with // ${appPath}/src/<path>.ts`);
        continue;
      }
      const file = join(dir, dirname(where), `doc-block-${index + 1}.ts`);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, block.code);
      files.set(file, block);
    }
    const tsconfig = {
      extends: join(REPO, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: true,
        types: ['node'],
        rootDirs: [join(dir, 'src'), join(appDir, 'src')],
      },
      files: [...files.keys()],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const { exitCode, output } = await runTsc(join(dir, 'tsconfig.json'), appDir);
    const report = [...problems, toDocLines(output, files, appDir, doc)].filter(Boolean).join('\n');
    return { blocks: blocks.length, report, exitCode };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
