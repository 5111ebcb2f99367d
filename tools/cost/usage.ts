/**
 * Usage assumptions: cost/usage/defaults.json holds every assumption with its default; an optional
 * cost/usage/<stack>.json overrides only what differs (a stack without one, e.g. a new environment,
 * gets the defaults). A key the defaults do not have is an error, so a typo cannot silently fall back.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Usage } from "./types";

export const USAGE_DIR = "usage";
const DEFAULTS = "defaults.json";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Maps keyed by a component or class name: any key is allowed there. */
const OPEN_MAPS = new Set(["fargate.averageTasks", "s3.defaultGb", "s3.buckets"]);

/** `base` with `override` merged in, key by key; `file` and `path` name a bad key in the error. */
export function mergeUsage(base: Json, override: Json, file: string, path = ""): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const at = path ? `${path}.${key}` : key;
    if (!OPEN_MAPS.has(path) && !(key in base))
      throw new Error(
        `${file}: unknown usage key "${at}" (the keys are those of cost/${USAGE_DIR}/${DEFAULTS})`,
      );
    if (isObject(value) && isObject(base[key])) out[key] = mergeUsage(base[key] as Json, value, file, at);
    else if (OPEN_MAPS.has(path) || typeof value === typeof base[key]) out[key] = value;
    else throw new Error(`${file}: usage key "${at}" must be a ${typeof base[key]}`);
  }
  return out;
}

const readJson = (file: string): Json => JSON.parse(readFileSync(file, "utf8"));

/** The usage assumptions of `stack`: the defaults, overridden by cost/usage/<stack>.json if present. */
export function loadUsage(costDir: string, stack: string): Usage {
  const defaults = readJson(join(costDir, USAGE_DIR, DEFAULTS));
  const file = join(costDir, USAGE_DIR, `${stack}.json`);
  if (!existsSync(file)) return defaults as unknown as Usage;
  return mergeUsage(defaults, readJson(file), `cost/${USAGE_DIR}/${stack}.json`) as unknown as Usage;
}
