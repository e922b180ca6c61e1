import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { formatPath } from '../../bridge/dispatch';
import { LIBRARY_ID, libraryCommandInput } from '../../bridge/schemas';
import type {
  BroadcastAnswer,
  LibraryCommand,
  LibraryCommandInput,
  LibraryFile,
  LibraryImportResult,
  LibraryPreview,
  LibraryProblem,
  LibraryRunArgs,
  LibraryRunTarget,
  LibrarySnapshot,
} from '../../common/contract';
import { BridgeFailure, notFound, validationError } from '../core/errors';
import { writeFileAtomic, type AtomicWriteOptions } from '../core/storage';
import type { BroadcastPlan } from '../broadcast/broadcast';
import { commandVariables, FillError, fillSentences, sentencesWrite, type RouterValues } from './fill';

/** The folder of command files in the data directory. */
export const LIBRARY_DIR = 'library';
/** `format` of one command's file and of a bundle of several (docs/library.md). */
export const COMMAND_FORMAT = 'tikscope-command';
export const BUNDLE_FORMAT = 'tikscope-commands';
const FILE_VERSION = 1;

export interface LibraryDeps {
  dataDir: string;
  /** A router's own values for `{{identity}}`, `{{version}}`, `{{name}}`, `{{host}}` and its `vars`; throws NOT_FOUND. */
  routerValues(connectionId: string): RouterValues;
  /** The broadcast service: a run is a broadcast with each router's filled sentences. */
  broadcast: { run(plan: BroadcastPlan): Promise<BroadcastAnswer> };
  writeOptions?: AtomicWriteOptions;
}

/** The first issue of a zod error, as "sentences[0][1]: is empty". */
function reasonOf(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match the command file format';
  const where = formatPath(issue.path);
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** A command's fields with a stable key order, so a change shows as a small git diff. */
function bodyOf(input: LibraryCommandInput) {
  return {
    name: input.name,
    description: input.description ?? '',
    sentences: input.sentences,
    variables: (input.variables ?? []).map((v) => ({
      name: v.name,
      ...(v.default !== undefined ? { default: v.default } : {}),
      ...(v.description !== undefined && v.description !== '' ? { description: v.description } : {}),
    })),
  };
}

/** What a command's file holds. */
function fileText(input: LibraryCommandInput): string {
  return JSON.stringify({ format: COMMAND_FORMAT, version: FILE_VERSION, ...bodyOf(input) }, null, 2) + '\n';
}

/**
 * A file's text as a command: the format header, then the same rules as the form
 * (`libraryCommandInput` in bridge/schemas.ts). Returns the reason in words when it is not one.
 */
function parseCommand(value: unknown): { ok: true; input: LibraryCommandInput } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'is not a JSON object' };
  const o = value as Record<string, unknown>;
  if (o['format'] !== COMMAND_FORMAT)
    return { ok: false, reason: `format: must be "${COMMAND_FORMAT}" (is ${JSON.stringify(o['format']) ?? 'missing'})` };
  if (o['version'] !== FILE_VERSION)
    return { ok: false, reason: `version: must be ${FILE_VERSION} (is ${JSON.stringify(o['version']) ?? 'missing'})` };
  const parsed = libraryCommandInput.safeParse(o);
  if (!parsed.success) return { ok: false, reason: reasonOf(parsed.error) };
  return { ok: true, input: parsed.data };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, reason: `not valid JSON (${(e as Error).message})` };
  }
}

type Incoming = { id: string; input: LibraryCommandInput };

/** The commands of one imported file (a command file or a bundle), or why it is not one. */
function commandsOf(f: LibraryFile): { ok: true; commands: Incoming[] } | { ok: false; reason: string } {
  const json = parseJson(f.content);
  if (!json.ok) return json;
  const o = (typeof json.value === 'object' && json.value !== null ? json.value : {}) as Record<string, unknown>;
  if (o['format'] !== BUNDLE_FORMAT) {
    const parsed = parseCommand(json.value);
    if (!parsed.ok) return parsed;
    // The file name is the id when it is a valid one (a checkout of the library folder).
    const base = f.fileName.replace(/^.*[\\/]/, '');
    const stem = base.endsWith('.json') ? base.slice(0, -'.json'.length) : base;
    return { ok: true, commands: [{ id: LIBRARY_ID.test(stem) ? stem : slugOf(parsed.input.name), input: parsed.input }] };
  }
  if (o['version'] !== FILE_VERSION) return { ok: false, reason: `version: must be ${FILE_VERSION}` };
  const list = o['commands'];
  if (!Array.isArray(list)) return { ok: false, reason: 'commands: must be a list' };
  const commands: Incoming[] = [];
  for (const [i, entry] of (list as unknown[]).entries()) {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const parsed = parseCommand({ ...e, format: COMMAND_FORMAT, version: FILE_VERSION });
    if (!parsed.ok) return { ok: false, reason: `commands[${i}]: ${parsed.reason}` };
    const wanted = e['id'];
    if (wanted !== undefined && (typeof wanted !== 'string' || !LIBRARY_ID.test(wanted)))
      return { ok: false, reason: `commands[${i}].id: is not a command id (lower-case letters, digits and "-")` };
    commands.push({ id: typeof wanted === 'string' ? wanted : slugOf(parsed.input.name), input: parsed.input });
  }
  return { ok: true, commands };
}

/** An id from a name: lower-case ASCII letters and digits joined by "-", at most 64 characters. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'command';
}

/**
 * The command library: one JSON file per command in `<dataDir>/library/` (docs/library.md),
 * written atomically. The folder is read afresh for each list, so files a team changes with git
 * (or by hand) show up without a restart. A file that cannot be used is reported with its name and
 * the reason — and left exactly where it is: it is the team's file, not ours to move or delete.
 */
export class LibraryStore {
  readonly directory: string;
  /** Ids being written, so two saves of new commands with the same name get different files. */
  private readonly claimed = new Set<string>();

  constructor(private readonly deps: LibraryDeps) {
    this.directory = join(deps.dataDir, LIBRARY_DIR);
  }

  private fileOf(id: string): string {
    // The id matched LIBRARY_ID (the bridge schema, or `load` below): no separator, no "..".
    return join(this.directory, `${id}.json`);
  }

  private async readDir(): Promise<string[]> {
    try {
      return (await fs.readdir(this.directory)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new BridgeFailure(
        'STORAGE',
        `the library folder ${this.directory} cannot be read: ${(e as Error).message}`,
        'Check the permissions of the data directory.',
      );
    }
  }

  /** Every command file; the ones that cannot be used are listed in `problems`, untouched. */
  async list(): Promise<LibrarySnapshot> {
    const commands: LibraryCommand[] = [];
    const problems: LibraryProblem[] = [];
    for (const fileName of await this.readDir()) {
      // An interrupted atomic write leaves `<id>.json.tmp-…`; it is not a command.
      if (!fileName.endsWith('.json')) continue;
      const id = fileName.slice(0, -'.json'.length);
      if (!LIBRARY_ID.test(id)) {
        problems.push({
          fileName,
          reason: 'the file name is not a command id (lower-case letters, digits and "-", then .json); rename the file',
        });
        continue;
      }
      const loaded = await this.read(id);
      if ('reason' in loaded) problems.push({ fileName, reason: loaded.reason });
      else commands.push(loaded);
    }
    commands.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return { commands, problems, directory: this.directory };
  }

  private async read(id: string): Promise<LibraryCommand | { reason: string }> {
    const r = await this.readInput(id);
    return 'reason' in r ? r : this.toCommand(id, r.input, r.mtime);
  }

  /** The file as written (declared variables only), or why it cannot be used. */
  private async readInput(id: string): Promise<{ input: LibraryCommandInput; mtime: Date } | { reason: string }> {
    const file = this.fileOf(id);
    let text: string;
    let mtime: Date;
    try {
      text = await fs.readFile(file, 'utf8');
      mtime = (await fs.stat(file)).mtime;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('library command', id);
      return { reason: `cannot be read: ${(e as Error).message}` };
    }
    const json = parseJson(text);
    if (!json.ok) return { reason: json.reason };
    const parsed = parseCommand(json.value);
    if (!parsed.ok) return { reason: parsed.reason };
    return { input: parsed.input, mtime };
  }

  private toCommand(id: string, input: LibraryCommandInput, mtime: Date): LibraryCommand {
    const w = sentencesWrite(input.sentences);
    return {
      id,
      name: input.name,
      description: input.description ?? '',
      sentences: input.sentences,
      variables: commandVariables(input.sentences, input.variables ?? []),
      writes: w.writes,
      writesReason: w.reason,
      fileName: `${id}.json`,
      updatedAt: mtime.toISOString(),
    };
  }

  /** A command that can be run: a file that cannot be read is an error naming it. */
  async get(id: string): Promise<LibraryCommand> {
    const loaded = await this.read(id);
    if ('reason' in loaded) throw this.unusable(id, loaded.reason);
    return loaded;
  }

  private unusable(id: string, reason: string): BridgeFailure {
    return new BridgeFailure(
      'VALIDATION',
      `the command file ${id}.json cannot be used: ${reason}`,
      'Fix the file and try again.',
      {
        field: 'id',
      },
    );
  }

  private async input(id: string): Promise<LibraryCommandInput> {
    const loaded = await this.readInput(id);
    if ('reason' in loaded) throw this.unusable(id, loaded.reason);
    return loaded.input;
  }

  private async exists(id: string): Promise<boolean> {
    try {
      await fs.access(this.fileOf(id));
      return true;
    } catch {
      return false;
    }
  }

  private async write(id: string, input: LibraryCommandInput): Promise<void> {
    try {
      await writeFileAtomic(this.fileOf(id), fileText(input), this.deps.writeOptions);
    } catch (e) {
      throw new BridgeFailure(
        'STORAGE',
        `saving the command to ${this.fileOf(id)} failed: ${(e as Error).message}`,
        'Check free disk space and the permissions of the data directory.',
      );
    }
  }

  /** A new id from the name: `name-slug`, then `name-slug-2`, … never an existing file. */
  private async freeId(name: string): Promise<string> {
    const base = slugOf(name);
    for (let n = 1; ; n++) {
      const id = n === 1 ? base : `${base}-${n}`;
      if (!this.claimed.has(id) && !(await this.exists(id))) return id;
    }
  }

  /** `input` as parsed by the bridge schema. Without an id a new file; with one, that file replaced. */
  async save(id: string | undefined, input: LibraryCommandInput): Promise<LibraryCommand> {
    if (id !== undefined && !(await this.exists(id))) throw notFound('library command', id);
    const target = id ?? (await this.freeId(input.name));
    this.claimed.add(target);
    try {
      await this.write(target, input);
    } finally {
      this.claimed.delete(target);
    }
    return this.get(target);
  }

  async delete(id: string): Promise<{ id: string }> {
    try {
      await fs.unlink(this.fileOf(id));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('library command', id);
      throw new BridgeFailure('STORAGE', `deleting ${this.fileOf(id)} failed: ${(e as Error).message}`);
    }
    return { id };
  }

  /**
   * Command files and bundles (`tikscope-commands`), all or nothing: every file is checked first,
   * and the first that is not a command refuses the whole import with its name and the reason.
   * A command file keeps its id (its file name) when that is a valid id; a bundle's entries keep
   * their `id`. An id already in the library is replaced — importing from git updates in place.
   */
  async import(files: LibraryFile[]): Promise<LibraryImportResult> {
    const incoming: { id: string; input: LibraryCommandInput }[] = [];
    for (const f of files) {
      const read = commandsOf(f);
      if (!read.ok)
        throw new BridgeFailure(
          'VALIDATION',
          `${f.fileName} is not a command file: ${read.reason}. Nothing was imported.`,
          undefined,
          {
            field: 'files',
            fileName: f.fileName,
          },
        );
      incoming.push(...read.commands);
    }
    const seen = new Map<string, number>();
    for (const x of incoming) seen.set(x.id, (seen.get(x.id) ?? 0) + 1);
    const twice = [...seen].find(([, n]) => n > 1);
    if (twice)
      throw validationError(
        'files',
        `the import holds the command "${twice[0]}" more than once. Nothing was imported.`,
        'Import one file per command, or give the commands of a bundle different ids.',
      );
    const replaced: string[] = [];
    for (const x of incoming) if (await this.exists(x.id)) replaced.push(x.id);
    for (const x of incoming) await this.write(x.id, x.input);
    return { imported: incoming.map((x) => x.id), replaced };
  }

  /** One command as its own file; several (or all, `ids` absent) as one bundle. */
  async export(ids: string[] | undefined): Promise<LibraryFile> {
    if (ids !== undefined && ids.length === 1) {
      const id = ids[0]!;
      return { fileName: `${id}.json`, content: fileText(await this.input(id)) };
    }
    const chosen = ids ?? (await this.list()).commands.map((c) => c.id);
    const body = {
      format: BUNDLE_FORMAT,
      version: FILE_VERSION,
      commands: await Promise.all(chosen.map(async (id) => ({ id, ...bodyOf(await this.input(id)) }))),
    };
    return { fileName: 'tikscope-commands.json', content: JSON.stringify(body, null, 2) + '\n' };
  }

  /** Each router's filled sentences, or why it cannot run the command (a missing variable, named). */
  async preview(args: LibraryRunTarget): Promise<LibraryPreview> {
    const c = await this.get(args.id);
    const routers = args.connectionIds.map((connectionId) => this.fillFor(c, connectionId, args.values ?? {}));
    const writes = routers.some((r) => r.sentences && sentencesWrite(r.sentences).writes) || c.writes;
    return { id: c.id, routers, writes };
  }

  private fillFor(c: LibraryCommand, connectionId: string, values: Record<string, string>) {
    const router = this.deps.routerValues(connectionId);
    try {
      return { connectionId, name: router.name, sentences: fillSentences(c.sentences, c.variables, values, router) };
    } catch (e) {
      if (e instanceof FillError) return { connectionId, name: router.name, error: e.message };
      throw e;
    }
  }

  /**
   * Runs the command through the broadcast: every router's sentences are filled first, and one
   * router with a missing value refuses the whole run before anything is sent (naming the variable
   * and the router) — half a rollout because of a typo is worse than none.
   */
  async run(args: LibraryRunArgs): Promise<BroadcastAnswer> {
    const c = await this.get(args.id);
    const filled = args.connectionIds.map((id) => this.fillFor(c, id, args.values ?? {}));
    const bad = filled.find((r) => r.error !== undefined);
    if (bad)
      throw new BridgeFailure(
        'VALIDATION',
        bad.error!,
        'Type a value in the form, set it on the connection, or give the variable a default.',
        {
          field: 'values',
          connectionId: bad.connectionId,
        },
      );
    return this.deps.broadcast.run({
      targets: filled.map((r) => ({ connectionId: r.connectionId, sentences: r.sentences! })),
      commandName: c.name,
      ...(args.stopOnFirstError !== undefined ? { stopOnFirstError: args.stopOnFirstError } : {}),
      ...(args.confirmed !== undefined ? { confirmed: args.confirmed } : {}),
      ...(args.timeoutSeconds !== undefined ? { timeoutSeconds: args.timeoutSeconds } : {}),
      ...(args.broadcastId !== undefined ? { broadcastId: args.broadcastId } : {}),
      ...(args.waves !== undefined ? { waves: args.waves } : {}),
    });
  }
}
