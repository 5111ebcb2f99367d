/**
 * Where the Terraform gate gets the AWS provider: the pinned version where it can be installed, otherwise
 * the newest version in a local filesystem mirror, found the way Terraform finds one (TF_PROVIDER_MIRROR,
 * the implied mirror directories, the CLI config's `provider_installation`) or, last, by a bounded
 * search of the filesystem.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The provider's folder inside a mirror (both mirror layouts). */
export const AWS_PROVIDER_DIR = join("registry.terraform.io", "hashicorp", "aws");

/** A local mirror holding the AWS provider, and how it was found. */
export interface ProviderMirror {
  /** The mirror root (the folder that holds registry.terraform.io/). */
  readonly path: string;
  /** Versions present for this machine's platform, newest first. */
  readonly versions: readonly string[];
  /** "TF_PROVIDER_MIRROR", "implied mirror directory", "CLI config <file>" or "filesystem search". */
  readonly foundBy: string;
}

/** Terraform's platform name for this machine, e.g. linux_amd64. */
export function terraformPlatform(platform = process.platform, arch = process.arch): string {
  const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${platform === "win32" ? "windows" : platform}_${goArch[arch] ?? arch}`;
}

/** Numeric comparison of x.y.z versions (pre-release suffixes are ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split("-")[0]
      .split(".")
      .map((n) => Number.parseInt(n, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * AWS provider versions a mirror holds for `platform`, newest first, in either layout Terraform reads:
 * unpacked (`<version>/<platform>/terraform-provider-aws_*`) or packed
 * (`terraform-provider-aws_<version>_<platform>.zip`).
 */
export function mirrorVersions(mirror: string, platform = terraformPlatform()): string[] {
  const dir = join(mirror, AWS_PROVIDER_DIR);
  if (!existsSync(dir)) return [];
  const versions = new Set<string>();
  for (const entry of readdirSync(dir)) {
    const packed = entry.match(/^terraform-provider-aws_(\d+\.\d+\.\d+[^_]*)_(.+)\.zip$/);
    if (packed && packed[2] === platform) versions.add(packed[1]);
    else if (/^\d+\.\d+\.\d+/.test(entry) && existsSync(join(dir, entry, platform))) versions.add(entry);
  }
  return [...versions].sort((a, b) => compareVersions(b, a));
}

/** Terraform's implied local mirror directories on Unix (Terraform docs, "Implied Local Mirror Directories"). */
export function impliedMirrorDirs(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string[] {
  const home = env.HOME ?? homedir();
  const dataHome = env.XDG_DATA_HOME || join(home, ".local", "share");
  const dataDirs = (env.XDG_DATA_DIRS || "/usr/local/share:/usr/share").split(":").filter(Boolean);
  return [
    join(cwd, "terraform.d", "plugins"),
    join(home, ".terraform.d", "plugins"),
    join(dataHome, "terraform", "plugins"),
    ...dataDirs.map((d) => join(d, "terraform", "plugins")),
  ];
}

/** The CLI configuration file Terraform reads: TF_CLI_CONFIG_FILE, else ~/.terraformrc. */
export function cliConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.TF_CLI_CONFIG_FILE || join(env.HOME ?? homedir(), ".terraformrc");
}

/** The `filesystem_mirror { path = ... }` folders of a CLI configuration file's `provider_installation`. */
export function cliConfigMirrorDirs(file: string): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, "utf8").replace(/(^|\s)(#|\/\/).*$/gm, "$1");
  return [...text.matchAll(/filesystem_mirror\s*\{[^}]*?\bpath\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
}

/** Folders never searched: kernel and device trees, and dependency or VCS folders. */
const SKIPPED_DIRS = new Set(["proc", "sys", "dev", "run", "node_modules", ".git"]);

/**
 * Breadth-first search for mirror roots (folders holding registry.terraform.io/hashicorp/aws), at most
 * `maxDepth` levels below `root` and `maxDirs` folders in all, so it ends in about a second.
 */
export function searchForMirrors(root = "/", maxDepth = 4, maxDirs = 20_000): string[] {
  const found: string[] = [];
  let level = [resolve(root)];
  let visited = 0;
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (++visited > maxDirs) return found;
      if (existsSync(join(dir, AWS_PROVIDER_DIR))) {
        found.push(dir);
        continue;
      }
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // unreadable: not ours to search
      }
      for (const e of entries) if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) next.push(join(dir, e.name));
    }
    level = next;
  }
  return found;
}

export interface FindMirrorsOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Root of the last-resort filesystem search. @default "/" */
  readonly searchRoot?: string;
}

/**
 * Local mirrors holding the AWS provider, in Terraform's order: TF_PROVIDER_MIRROR if set (and then
 * only it), else the implied mirror directories and the CLI config's filesystem mirrors, else the
 * bounded filesystem search.
 */
export function findMirrors(options: FindMirrorsOptions = {}): ProviderMirror[] {
  const env = options.env ?? process.env;
  const withVersions = (paths: string[], foundBy: string): ProviderMirror[] =>
    [...new Set(paths.map((p) => resolve(p)))]
      .map((path) => ({ path, versions: mirrorVersions(path), foundBy }))
      .filter((m) => m.versions.length > 0);

  if (env.TF_PROVIDER_MIRROR) {
    const explicit = withVersions([env.TF_PROVIDER_MIRROR], "TF_PROVIDER_MIRROR");
    if (explicit.length === 0)
      throw new Error(
        `TF_PROVIDER_MIRROR=${env.TF_PROVIDER_MIRROR} holds no ${AWS_PROVIDER_DIR} for ${terraformPlatform()}`,
      );
    return explicit;
  }
  const configFile = cliConfigFile(env);
  const configured = [
    ...withVersions(impliedMirrorDirs(env, options.cwd), "implied mirror directory"),
    ...withVersions(cliConfigMirrorDirs(configFile), `CLI config ${configFile}`),
  ];
  if (configured.length > 0) return configured;
  return withVersions(searchForMirrors(options.searchRoot ?? "/"), "filesystem search");
}
