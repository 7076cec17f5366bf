/**
 * The README's commands work as written, and every relative link of the documentation resolves.
 *
 * Every fenced `sh` block of README.md is split into commands (a trailing `\` joins lines) and each
 * one is run, in order, exactly as shown:
 * - `npx cdr-summary …` (and any other command) in a fresh temporary folder whose
 *   node_modules/.bin/cdr-summary links to this checkout's bin/cdr-summary.js, so `npx` resolves
 *   to it without the registry; fenced `csv <file name>` blocks are written there first, so the
 *   deck and connectors files the README shows are the ones its commands use;
 * - `npm run …` in the repository (TMPDIR points into the temporary folder, so the demo's outputs
 *   are removed with it);
 * - `npm ci` and `npm test` are NOT run: the first replaces node_modules under the running tests,
 *   the second is the suite this test belongs to;
 * - a command that needs AWS must say so with a trailing `# needs AWS` comment; exactly those are
 *   skipped. Anything else that exits non-zero fails the test.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..', '..');
const README = path.join(ROOT, 'README.md');
const NEEDS_AWS = /#\s*needs AWS\s*$/;

/** A fenced code block: its info string (language and optional file name) and its text. */
interface Fence {
  readonly lang: string;
  readonly name: string | undefined;
  readonly text: string;
  readonly line: number;
}

/** The fenced code blocks of a Markdown text. */
function fences(markdown: string): Fence[] {
  const result: Fence[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+)\s*([^\s`]*)\s*(\S*)\s*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const [, indent = '', ticks = '```', lang = '', name = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j] ?? '').trimStart().startsWith(ticks)) {
      body.push((lines[j] ?? '').slice(indent.length));
      j++;
    }
    result.push({ lang, name: name === '' ? undefined : name, text: body.join('\n'), line: i + 1 });
    i = j;
  }
  return result;
}

/** The commands of a shell block: comment lines dropped, `\`-continued lines joined. */
function shellCommands(block: string): string[] {
  const commands: string[] = [];
  let current = '';
  for (const raw of block.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    commands.push(`${current}${line}`.trim());
    current = '';
  }
  if (current !== '') commands.push(current.trim());
  return commands;
}

/** A command without its trailing comment (a `#` after whitespace, outside quotes: the README's style). */
function withoutComment(command: string): string {
  return command.replace(/\s+#[^'"]*$/, '').trim();
}

interface Outcome {
  readonly code: number | null;
  readonly output: string;
}

function runShell(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Newest modification time of the files under a folder (recursively). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces → hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Anchors of a Markdown file's headings (repeated headings get -1, -2, … as on GitHub). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const outsideCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of outsideCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(match[1] ?? '');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** README.md and every Markdown file under docs/. */
function documentationFiles(): string[] {
  const files = [README];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) files.push(full);
    }
  };
  walk(path.join(ROOT, 'docs'));
  return files;
}

describe('README commands', function () {
  this.timeout(300_000);
  const readme = readFileSync(README, 'utf8');
  const blocks = fences(readme);
  let work: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    const main = path.join(ROOT, 'dist', 'job', 'main.js');
    // bin/cdr-summary.js runs the compiled CLI: build it when job/ changed since (as `npm ci` does).
    if (!existsSync(main) || statSync(main).mtimeMs < newestMtime(path.join(ROOT, 'job'))) {
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    }
    work = await mkdtemp(path.join(os.tmpdir(), 'readme-commands-'));
    await mkdir(path.join(work, 'node_modules', '.bin'), { recursive: true });
    await symlink(path.join(ROOT, 'bin', 'cdr-summary.js'), path.join(work, 'node_modules', '.bin', 'cdr-summary'));
    const tmp = path.join(work, 'tmp');
    await mkdir(tmp);
    env = { ...process.env, TMPDIR: tmp, CI: 'true' };
    for (const block of blocks) {
      if (block.lang === 'csv' && block.name !== undefined) {
        await writeFile(path.join(work, block.name), `${block.text}\n`);
      }
    }
  });

  after(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('has shell blocks, a deck, a connectors file and a FOCUS query', () => {
    const shell = blocks.filter((b) => b.lang === 'sh');
    expect(shell.length).to.be.greaterThan(3);
    expect(blocks.filter((b) => b.lang === 'csv').map((b) => b.name)).to.include.members([
      'deck.csv',
      'connectors.csv',
    ]);
    expect(blocks.some((b) => b.lang === 'sql' && /\bFROM focus\b/i.test(b.text))).to.equal(true);
    expect(readme.split('\n').length).to.be.at.most(250);
  });

  it('runs every command of the sh blocks that needs no AWS, as written', async () => {
    const ran: string[] = [];
    const skipped: string[] = [];
    for (const block of blocks.filter((b) => b.lang === 'sh')) {
      for (const command of shellCommands(block.text)) {
        if (NEEDS_AWS.test(command)) {
          skipped.push(command);
          continue;
        }
        for (const part of withoutComment(command).split(/\s+&&\s+/)) {
          if (/^npm (ci|test)\b/.test(part)) continue; // see the file comment
          const cwd = part.startsWith('npm ') ? ROOT : work;
          const outcome = await runShell(part, cwd, env);
          expect(
            outcome.code,
            `README line ${block.line}: \`${part}\` exited ${outcome.code}:\n${outcome.output}`,
          ).to.equal(0);
          ran.push(part);
        }
      }
    }
    // The walk-through really happened: the sample was rated, and charged with the README's deck.
    expect(ran.some((c) => c.startsWith('npm run demo'))).to.equal(true);
    expect(ran.filter((c) => c.startsWith('npx cdr-summary run')).length).to.be.at.least(2);
    expect(skipped.length).to.be.at.least(1);
    const manifest = JSON.parse(
      readFileSync(
        path.join(
          work,
          'sample',
          'Amazon-Chime-Voice-Connector-Summary',
          'csv',
          'Weekly',
          '2025',
          '03',
          '02',
          'manifest.json',
        ),
        'utf8',
      ),
    ) as { recordsRated: number; rateDeck: string | null; chargedTotal: { amount: string } | null };
    expect(manifest.recordsRated).to.be.greaterThan(0);
    expect(manifest.rateDeck).to.be.a('string');
    expect(manifest.chargedTotal?.amount).to.match(/^\d+(\.\d+)?$/);
  });

  it('shows every command as `npx cdr-summary`, never bare `cdr-summary`', () => {
    for (const file of documentationFiles()) {
      for (const block of fences(readFileSync(file, 'utf8'))) {
        if (!['sh', 'bash', 'shell', 'console'].includes(block.lang)) continue;
        for (const command of shellCommands(block.text)) {
          expect(command, `${path.relative(ROOT, file)} line ${block.line}`).to.not.match(/(^|[;&|(]\s*)cdr-summary\s/);
        }
      }
    }
  });

  it('has no relative link in README.md or docs/ to a missing file or heading', () => {
    const broken: string[] = [];
    for (const file of documentationFiles()) {
      const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1] ?? '';
        if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
        const [filePart = '', anchor] = target.split('#');
        const resolved = filePart === '' ? file : path.resolve(path.dirname(file), filePart);
        const where = `${path.relative(ROOT, file)}: ${target}`;
        if (!existsSync(resolved)) {
          broken.push(`${where} (no such file)`);
          continue;
        }
        if (anchor !== undefined && anchor !== '' && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${where} (no such heading)`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
  });
});
