/**
 * Custom error pages: HTML sources kept as files in the repo (modules/loadbalancer/pages/*.html) and
 * read at synth time. The ALB serves them as fixed responses (maintenance 503, unmatched host 404), WAF
 * as custom response bodies (blocked 403, rate-limited 429). ALB fixed responses allow at most 1024
 * bytes of message body (AWS FixedResponseActionConfig), so every page is held to that limit.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** ALB fixed-response `message_body` limit, in bytes (UTF-8). WAF allows 4 KB, so this is the binding one. */
export const MAX_FIXED_RESPONSE_BYTES = 1024;

/** Content type of every page, as the ALB (fixed_response) and WAF (custom_response_body) spell it. */
export const PAGE_CONTENT_TYPE = { alb: "text/html", waf: "TEXT_HTML" } as const;

/** The pages, their files under modules/loadbalancer/pages/ and the status they are served with. */
export const ERROR_PAGES = {
  /** Listener rule when maintenance mode is on. */
  maintenance: { file: "maintenance.html", statusCode: 503 },
  /** HTTPS listener default action: a Host header that is not the service's domain. */
  notFound: { file: "not-found.html", statusCode: 404 },
  /** WAF block (managed rule groups). */
  blocked: { file: "blocked.html", statusCode: 403 },
  /** WAF rate-based rule. */
  rateLimited: { file: "rate-limited.html", statusCode: 429 },
} as const;

export type ErrorPageName = keyof typeof ERROR_PAGES;

export interface ErrorPage {
  readonly content: string;
  readonly statusCode: number;
}

/** Repo-relative folder of the page sources. */
export const PAGES_DIR = "modules/loadbalancer/pages";

/**
 * The repository root: the nearest folder above `from` holding package.json. Compiled code runs from
 * dist/modules/loadbalancer (which has no package.json), tests from modules/loadbalancer; both find the
 * same root, unlike __dirname-relative paths.
 */
export function repoRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`error pages: no package.json above ${from}; cannot locate ${PAGES_DIR}`);
    dir = parent;
  }
}

/** Reads one page and checks it fits an ALB fixed response (non-empty, <= 1024 bytes). */
export function readErrorPage(path: string): string {
  if (!existsSync(path)) throw new Error(`error page ${path} not found`);
  const content = readFileSync(path, "utf8");
  const bytes = Buffer.byteLength(content, "utf8");
  if (bytes === 0) throw new Error(`error page ${path} is empty`);
  if (bytes > MAX_FIXED_RESPONSE_BYTES)
    throw new Error(
      `error page ${path} is ${bytes} bytes: must be <= ${MAX_FIXED_RESPONSE_BYTES} bytes (ALB fixed-response message_body limit)`,
    );
  return content;
}

/** Reads every page from `dir` (default: the repo's modules/loadbalancer/pages). */
export function loadErrorPages(dir: string = join(repoRoot(), PAGES_DIR)): Record<ErrorPageName, ErrorPage> {
  const pages = {} as Record<ErrorPageName, ErrorPage>;
  for (const [name, { file, statusCode }] of Object.entries(ERROR_PAGES) as [
    ErrorPageName,
    (typeof ERROR_PAGES)[ErrorPageName],
  ][])
    pages[name] = { content: readErrorPage(join(dir, file)), statusCode };
  return pages;
}
