/**
 * The bench's Python: a virtual environment under the bench cache dir (outside git) with the
 * packages of bench/python/requirements.txt, installed from PyPI the first time and reused while
 * the requirements file is unchanged. The Python peer runs in it, and it builds the heavy model.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PythonEnvironment {
  /** The venv's interpreter. */
  readonly python: string;
  readonly version: string;
  /** Installed versions of the required packages. */
  readonly packages: Readonly<Record<string, string>>;
}

export class PythonUnavailableError extends Error {
  override readonly name = 'PythonUnavailableError';
}

export async function ensurePythonEnvironment(options: {
  readonly requirementsFile: string;
  /** Parent of the venv directory. */
  readonly cacheDir: string;
  readonly print: (line: string) => void;
}): Promise<PythonEnvironment> {
  const requirements = await readFile(options.requirementsFile, 'utf8');
  const stamp = createHash('sha256').update(requirements).digest('hex').slice(0, 12);
  const venvDir = join(options.cacheDir, 'python-venv');
  const stampFile = join(venvDir, '.streamscore-requirements');
  const python = join(venvDir, 'bin', 'python');
  const current =
    existsSync(python) && (await readFile(stampFile, 'utf8').catch(() => '')) === stamp;
  if (!current) {
    const systemPython = await findSystemPython();
    options.print(
      `python: creating ${venvDir} and installing ${options.requirementsFile} from PyPI (once)`,
    );
    await rm(venvDir, { recursive: true, force: true });
    await mkdir(options.cacheDir, { recursive: true });
    try {
      await run(systemPython, ['-m', 'venv', venvDir]);
    } catch (error) {
      throw new PythonUnavailableError(
        `${systemPython} -m venv failed (Debian/Ubuntu: apt-get install python3-venv): ${failureText(error)}`,
      );
    }
    try {
      await run(
        python,
        [
          '-m',
          'pip',
          'install',
          '--quiet',
          '--disable-pip-version-check',
          '-r',
          options.requirementsFile,
        ],
        { maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (error) {
      throw new PythonUnavailableError(
        `pip install -r ${options.requirementsFile} failed (PyPI unreachable?): ${failureText(error)}`,
      );
    }
    await writeFile(stampFile, stamp);
  }
  const names = requirements
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(/[=<>~!]/)[0] as string);
  const { stdout } = await run(python, [
    '-c',
    'import json, sys; from importlib.metadata import version; ' +
      'print(json.dumps({"python": sys.version.split()[0], "packages": {n: version(n) for n in sys.argv[1:]}}))',
    ...names,
  ]);
  const found = JSON.parse(stdout) as { python: string; packages: Record<string, string> };
  return { python, version: found.python, packages: found.packages };
}

async function findSystemPython(): Promise<string> {
  for (const candidate of ['python3', 'python']) {
    try {
      const { stdout } = await run(candidate, [
        '-c',
        'import sys, venv; print(sys.version_info[0])',
      ]);
      if (stdout.trim() === '3') return candidate;
    } catch {
      // Try the next name.
    }
  }
  throw new PythonUnavailableError(
    'no python3 with the venv module on PATH (Debian/Ubuntu: apt-get install python3-venv)',
  );
}

/** The last lines of a failed command's stderr, or its message. */
function failureText(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr?.trim();
  if (stderr) return stderr.split('\n').slice(-3).join(' ');
  return error instanceof Error ? error.message : String(error);
}
