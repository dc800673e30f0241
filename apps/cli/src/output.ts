/**
 * Every byte a command prints goes through here, so all domains behave alike:
 * - `json`: `--json` was given; print the API's JSON exactly (pretty, 2 spaces).
 * - `table`: stdout is a terminal; aligned tables with a header, colour, truncation to
 *   the terminal width, confirmations, progress on stderr.
 * - `plain`: stdout is piped; tab-separated rows without a header, no colour, nothing
 *   truncated, no confirmations. Each cell is escaped once ({@link escapePlain}), so a
 *   row stays one line and every cell decodes back to its text.
 * In `table` and `plain` modes no control character from a value reaches the terminal:
 * C0 and C1 controls, DEL and bidi controls are printed as visible escapes (`\x1b`, `\u202e`).
 * `IAMKIT_FORCE_TTY=1` makes a pipe count as a terminal (tests, `| less -R`).
 */

export type OutputMode = 'json' | 'table' | 'plain';

export interface Column<T> {
  /** Header on a terminal, e.g. 'NAME'. */
  header: string;
  /** The cell: strings as they are, arrays joined with ', ', objects as compact JSON; escaped once. */
  value: (row: T) => unknown;
}

export interface Writable {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface OutputOptions {
  json: boolean;
  /** From --color / --no-color; undefined means "decide from env and TTY". */
  color: boolean | undefined;
  env: Record<string, string | undefined>;
  stdout?: Writable;
  stderr?: Writable;
}

export interface Progress {
  /** Replaces the progress line (terminal only). */
  update(message: string): void;
  /** Clears the line. */
  done(): void;
}

type Paint = (text: string) => string;
export interface Style {
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
}

const sgr =
  (enabled: boolean, open: number, close: number): Paint =>
  (text) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export function makeStyle(enabled: boolean): Style {
  return {
    bold: sgr(enabled, 1, 22),
    dim: sgr(enabled, 2, 22),
    red: sgr(enabled, 31, 39),
    green: sgr(enabled, 32, 39),
    yellow: sgr(enabled, 33, 39),
    cyan: sgr(enabled, 36, 39),
  };
}

/** Whether colour is wanted on a stream: --color/--no-color, then NO_COLOR, then TTY. */
export function colorEnabled(
  flag: boolean | undefined,
  env: Record<string, string | undefined>,
  isTTY: boolean,
): boolean {
  if (flag !== undefined) return flag;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return isTTY;
}

/**
 * Characters that must not reach a terminal as they are: C0 controls, DEL, C1 controls
 * (U+0080-U+009F) and Unicode's Bidi_Control characters (U+061C, U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069), which could move the cursor, recolour or reorder text.
 */
const UNSAFE_CHARS =
  '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const UNSAFE = new RegExp(`[${UNSAFE_CHARS}]`, 'g');
/** Piped cells escape the backslash too, so every escape decodes back. */
const PLAIN_ESCAPED = new RegExp(`[\\\\${UNSAFE_CHARS}]`, 'g');

const hex = (code: number, digits: number) => code.toString(16).padStart(digits, '0');

/** `\t`, `\n`, `\r`, `\\`; else `\xHH` up to U+00FF and `\uHHHH` above. */
function escapeChar(char: string): string {
  if (char === '\\') return '\\\\';
  if (char === '\t') return '\\t';
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

/**
 * A piped cell: every backslash and unsafe character escaped exactly once (`\\`, `\t`, `\n`,
 * `\r`, `\xHH`, `\uHHHH`), so the row stays one TSV line and the text decodes back exactly.
 */
export function escapePlain(text: string): string {
  return text.replace(PLAIN_ESCAPED, escapeChar);
}

/**
 * A table cell, for people: tabs and line breaks become a space (one row, one line); any
 * other unsafe character is shown escaped (`\r`, `\x1b`, `\u202e`). Backslashes stay as they are.
 */
export function escapeTerminal(text: string): string {
  return text.replace(/\r?\n|\t/g, ' ').replace(UNSAFE, escapeChar);
}

/** A value as unescaped text: arrays joined with ', ', objects as compact JSON. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  return JSON.stringify(value);
}

/** One cell as text, escaped once: {@link escapePlain} when piped, else {@link escapeTerminal}. */
export function formatCell(value: unknown, plain: boolean): string {
  const text = cellText(value);
  return plain ? escapePlain(text) : escapeTerminal(text);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (text: string): number => [...text.replace(ANSI, '')].length;

function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(0, width).join('');
  return `${chars.slice(0, width - 1).join('')}…`;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

/** Fits column widths into the terminal by shrinking the widest columns first. */
function fitWidths(natural: number[], total: number): number[] {
  const widths = [...natural];
  const gap = 2 * Math.max(0, widths.length - 1);
  const min = 4;
  let excess = widths.reduce((a, b) => a + b, 0) + gap - total;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (widths[i]! > min && (widest === -1 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest === -1) break;
    widths[widest] = widths[widest]! - 1;
    excess--;
  }
  return widths;
}

/** A cell that is a plain number (counts): its column does not grow on later pages. */
const NUMERIC = /^-?[\d.,]+$/;
const HEADROOM = 8;

/**
 * Widths for a streamed table, whose layout the first page fixes: the spare terminal width
 * is shared among the text columns (up to {@link HEADROOM} characters each), so slightly
 * longer values on later pages ("Bulk 10" after "Bulk 9") still line up. The last column
 * needs no share: nothing follows it. A longer value is handled by `streamLine`.
 */
function withHeadroom(
  widths: readonly number[],
  grows: readonly boolean[],
  total: number,
): number[] {
  const out = [...widths];
  const spare = total - (out.reduce((a, b) => a + b, 0) + 2 * Math.max(0, out.length - 1));
  const growing = out.map((_, i) => i < out.length - 1 && grows[i] === true);
  const count = growing.filter(Boolean).length;
  if (spare <= 0 || count === 0) return out;
  const share = Math.floor(spare / count);
  for (let i = 0; i < out.length; i++) {
    if (growing[i]) out[i] = out[i]! + Math.min(share, HEADROOM);
  }
  return out;
}

export class Output {
  readonly mode: OutputMode;
  /** stdout is a terminal (or IAMKIT_FORCE_TTY=1). */
  readonly isTTY: boolean;
  /** stderr is a terminal (or IAMKIT_FORCE_TTY=1): progress and prompts go there. */
  readonly isErrTTY: boolean;
  readonly style: Style;
  readonly errStyle: Style;
  private readonly stdout: Writable;
  private readonly stderr: Writable;
  private readonly env: Record<string, string | undefined>;

  constructor(options: OutputOptions) {
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.env = options.env;
    const forced = options.env['IAMKIT_FORCE_TTY'] === '1';
    this.isTTY = forced || this.stdout.isTTY === true;
    this.isErrTTY = forced || this.stderr.isTTY === true;
    this.mode = options.json ? 'json' : this.isTTY ? 'table' : 'plain';
    this.style = makeStyle(colorEnabled(options.color, options.env, this.isTTY));
    this.errStyle = makeStyle(colorEnabled(options.color, options.env, this.isErrTTY));
  }

  /** Terminal width for tables: the tty's, else $COLUMNS, else 100. */
  get width(): number {
    const columns = this.stdout.columns ?? Number(this.env['COLUMNS']);
    return Number.isFinite(columns) && columns > 20 ? columns : 100;
  }

  /** Raw text to stdout (a newline is added when missing). */
  print(text: string): void {
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The API's JSON, exactly: `--json` output and structured data. */
  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value === undefined ? null : value, null, 2)}\n`);
  }

  /**
   * A list. json: the given `json` value (default: the rows) · table: aligned with header ·
   * plain: TSV, one row per line, no header.
   */
  table<T>(
    rows: readonly T[],
    columns: readonly Column<T>[],
    options: { json?: unknown } = {},
  ): void {
    if (this.mode === 'json') {
      this.json(options.json === undefined ? rows : options.json);
      return;
    }
    if (this.mode === 'plain') {
      for (const row of rows) this.print(this.plainRow(row, columns));
      return;
    }
    const cells = rows.map((row) => columns.map((column) => formatCell(column.value(row), false)));
    const natural = columns.map((column, i) =>
      Math.max(visibleLength(column.header), ...cells.map((line) => visibleLength(line[i]!))),
    );
    const widths = fitWidths(natural, this.width);
    this.print(
      this.tableLine(
        columns.map((c) => this.style.bold(c.header)),
        widths,
      ),
    );
    for (const line of cells) this.print(this.tableLine(line, widths));
  }

  /**
   * One object as key/value lines. json: `json` (default: the object built from `fields`) ·
   * table: aligned `Key  value` · plain: `key<TAB>value`.
   */
  record(
    fields: ReadonlyArray<readonly [string, unknown]>,
    options: { json?: unknown } = {},
  ): void {
    if (this.mode === 'json') {
      this.json(options.json === undefined ? Object.fromEntries(fields) : options.json);
      return;
    }
    if (this.mode === 'plain') {
      for (const [key, value] of fields) {
        this.print(`${formatCell(key, true)}\t${formatCell(value, true)}`);
      }
      return;
    }
    const keys = fields.map(([key]) => formatCell(key, false));
    const width = Math.max(0, ...keys.map(visibleLength));
    fields.forEach(([, value], i) => {
      const text = formatCell(value, false);
      this.print(
        `${this.style.bold(pad(keys[i]!, width))}  ${text === '' ? this.style.dim('-') : text}`,
      );
    });
  }

  /**
   * Streams a list page by page (e.g. `--all`): rows are printed as they arrive, with a
   * progress line on a terminal. json: one JSON array of all items, written incrementally.
   * Returns the number of rows.
   */
  async stream<T>(
    pages: AsyncIterable<readonly T[]>,
    columns: readonly Column<T>[],
    options: { label?: string } = {},
  ): Promise<number> {
    const progress = this.progress();
    const label = options.label ?? 'items';
    let count = 0;
    let widths: number[] | undefined;
    try {
      if (this.mode === 'json') this.stdout.write('[');
      for await (const page of pages) {
        progress.done();
        for (const row of page) {
          if (this.mode === 'json') {
            const text = JSON.stringify(row, null, 2).replace(/\n/g, '\n  ');
            this.stdout.write(`${count === 0 ? '\n  ' : ',\n  '}${text}`);
          } else if (this.mode === 'plain') {
            this.print(this.plainRow(row, columns));
          } else {
            const line = columns.map((column) => formatCell(column.value(row), false));
            if (!widths) {
              // The first page fixes the layout, with room to grow for later pages.
              const cells = page.map((r) => columns.map((c) => formatCell(c.value(r), false)));
              const natural = columns.map((column, i) =>
                Math.max(visibleLength(column.header), ...cells.map((c) => visibleLength(c[i]!))),
              );
              const grows = columns.map((_, i) => cells.some((c) => !NUMERIC.test(c[i]!)));
              widths = withHeadroom(fitWidths(natural, this.width), grows, this.width);
              this.print(
                this.tableLine(
                  columns.map((c) => this.style.bold(c.header)),
                  widths,
                ),
              );
            }
            this.print(this.streamLine(line, widths));
          }
          count++;
        }
        progress.update(`Fetching more ${label}… ${count} so far`);
      }
    } finally {
      progress.done();
      if (this.mode === 'json') this.stdout.write(count === 0 ? ']\n' : '\n]\n');
    }
    if (this.mode === 'table' && count === 0) this.info(`No ${label}.`);
    return count;
  }

  /**
   * One value on its own line(s) (`metadata get KEY`, `config get KEY`): as it is when piped,
   * since it is data for a script; on a terminal, control characters escaped and line breaks
   * kept.
   */
  value(text: string): void {
    this.print(this.mode === 'table' ? text.split(/\r?\n/).map(escapeTerminal).join('\n') : text);
  }

  /** A short confirmation ("✓ Created group ns/name"), only on a terminal and not with --json. */
  success(message: string): void {
    if (this.mode === 'table') this.print(`${this.style.green('✓')} ${message}`);
  }

  /** A note for people (stderr, terminal only), e.g. "No groups." */
  info(message: string): void {
    if (this.isErrTTY && this.mode !== 'json') this.stderr.write(`${message}\n`);
  }

  /** A warning: always on stderr, even piped. */
  warn(message: string): void {
    this.stderr.write(`${this.errStyle.yellow('warning:')} ${message}\n`);
  }

  /** Raw text to stderr (debug traces, error lines). */
  error(text: string): void {
    this.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A single updating status line on stderr when it is a terminal; a no-op otherwise. */
  progress(): Progress {
    if (!this.isErrTTY) return { update() {}, done() {} };
    let shown = false;
    return {
      update: (message) => {
        this.stderr.write(`\r\u001b[2K${this.errStyle.dim(message)}`);
        shown = true;
      },
      done: () => {
        if (shown) this.stderr.write('\r\u001b[2K');
        shown = false;
      },
    };
  }

  private plainRow<T>(row: T, columns: readonly Column<T>[]): string {
    return columns.map((column) => formatCell(column.value(row), true)).join('\t');
  }

  /**
   * A row of a streamed table: a cell longer than its column pushes the rest of its line
   * right rather than being cut, as long as the line fits the terminal. Only a line that
   * would not fit is truncated to the layout, the last column taking what is left.
   */
  private streamLine(cells: readonly string[], widths: readonly number[]): string {
    const whole = cells
      .map((cell, i) => (i === cells.length - 1 ? cell : pad(cell, widths[i]!)))
      .join('  ')
      .trimEnd();
    if (visibleLength(whole) <= this.width) return whole;
    const before = widths.slice(0, -1).reduce((a, b) => a + b + 2, 0);
    const last = Math.max(widths[widths.length - 1] ?? 0, this.width - before);
    return this.tableLine(cells, [...widths.slice(0, -1), last]);
  }

  private tableLine(cells: readonly string[], widths: readonly number[]): string {
    return cells
      .map((cell, i) => {
        const width = widths[i]!;
        const fitted = visibleLength(cell) > width ? truncate(cell.replace(ANSI, ''), width) : cell;
        return i === cells.length - 1 ? fitted : pad(fitted, width);
      })
      .join('  ')
      .trimEnd();
  }
}
