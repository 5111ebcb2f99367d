/**
 * Secret-material scanner for synthesized Terraform JSON (and any other text): AWS access keys and
 * secret keys, private keys, GitHub and Slack tokens, credentials in URLs, and literal values under
 * secret-looking keys (`password`, `secret`, `token`, `api_key`, ...), including `{name, value}` pairs
 * such as ECS container environment variables and JSON documents embedded in strings (policies,
 * container definitions). Terraform references (`${data.aws_secretsmanager_secret_version.x.secret_string}`)
 * and shell expansions (`$(aws secretsmanager get-secret-value ...)`, `$TOKEN`) are allowed: they name
 * where a secret comes from, not the secret. Used by __tests__/secrets-scan.test.ts.
 */

export interface SecretFinding {
  /** Which detector fired, e.g. "aws-access-key-id". */
  readonly rule: string;
  /** Where: a file or stack name plus a JSON path (`resource.aws_x.y.password`). */
  readonly location: string;
  /** The match with its middle masked, so a report never repeats the secret. */
  readonly excerpt: string;
}

interface TextRule {
  readonly rule: string;
  readonly pattern: RegExp;
  /** Capture group holding the secret itself. @default 0 */
  readonly group?: number;
}

/** Patterns that are secret material wherever they appear. */
const TEXT_RULES: readonly TextRule[] = [
  { rule: "aws-access-key-id", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
  {
    rule: "aws-secret-access-key",
    pattern: /aws.{0,20}secret.{0,20}?["'\s:=]+([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    group: 1,
  },
  { rule: "private-key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { rule: "github-token", pattern: /\bgh[opusr]_[A-Za-z0-9]{36,}\b/g },
  { rule: "github-fine-grained-token", pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g },
  { rule: "slack-token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { rule: "slack-webhook", pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_/]{20,}/g },
  // scheme://user:password@host, unless the password is a reference or an expansion.
  { rule: "url-credentials", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/"']*:([^\s@/"'$]{8,})@/gi, group: 1 },
  // password=..., api_key: ... in scripts and free text (not ARN segments such as ":secret:<name>").
  {
    rule: "assigned-secret",
    pattern:
      /(?<![a-z0-9:])(?:password|passwd|secret|token|api[_-]?key)["']?\s*[:=]\s*["']?([^\s"'$&;,)}{]{8,})/gi,
    group: 1,
  },
];

/** A key (or container env var name) that holds secret material by its name. */
const SECRET_KEY = /(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential|auth)/i;

/**
 * Keys that match SECRET_KEY but hold identifiers or settings, never secret values: ARNs, ids, names,
 * versions, the token update strategy, the length and character set of a generated password, and an
 * OpenTelemetry `authenticator` (the name of an auth extension such as sigv4auth, e.g. in the ADOT config).
 */
const NOT_A_SECRET_KEY =
  /(_arn|Arn|ARN|_id|Id|_ids|_name|Name|_version|_version_id|_strategy|_type|_length|_characters|_enabled|_days|_url|valueFrom|_path|description|_prefix|_mode|_at|^authenticator)$/;

/** Settings whose names look secret: the IMDS token requirement ("required" | "optional"). */
const SETTING_KEYS = new Set(["http_tokens", "http_put_response_hop_limit"]);

/** Minimum length of a literal under a secret key that counts as a secret. */
const MIN_SECRET_LENGTH = 8;

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** What is left of a value once Terraform references and shell expansions are removed. */
function literalPart(value: string): string {
  return value
    .replace(/\$\{[^}]*\}/g, "")
    .replace(/\$\([^)]*\)/g, "")
    .replace(/\$[A-Za-z_][A-Za-z0-9_]*/g, "");
}

function mask(secret: string): string {
  if (secret.length <= 8) return "*".repeat(secret.length);
  return `${secret.slice(0, 4)}${"*".repeat(Math.min(secret.length - 8, 24))}${secret.slice(-4)}`;
}

/** Findings of the pattern rules in one piece of text. */
export function scanText(text: string, location: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const { rule, pattern, group = 0 } of TEXT_RULES) {
    for (const match of text.matchAll(pattern)) {
      const secret = match[group];
      if (group > 0 && literalPart(secret).length < MIN_SECRET_LENGTH) continue;
      findings.push({ rule, location, excerpt: mask(secret) });
    }
  }
  return findings;
}

/** A literal value under a secret-looking key, or undefined when it is a reference or a setting. */
function secretValueFinding(fullKey: string, value: unknown, location: string): SecretFinding | undefined {
  // Namespaced keys (IAM condition keys such as "token.actions.githubusercontent.com:sub") are judged
  // by their last segment: the name of the value, not the service's domain.
  const key = fullKey.split(/[.:/]/).pop() ?? fullKey;
  if (
    typeof value !== "string" ||
    !SECRET_KEY.test(key) ||
    NOT_A_SECRET_KEY.test(key) ||
    SETTING_KEYS.has(key)
  )
    return undefined;
  const literal = literalPart(value).trim();
  if (literal.length < MIN_SECRET_LENGTH || literal.startsWith("arn:")) return undefined;
  const rule = entropy(literal) >= 3.5 ? "high-entropy-secret-value" : "literal-secret-value";
  return { rule, location, excerpt: mask(literal) };
}

/**
 * Findings in a parsed JSON document: every string is scanned as text, literal values under secret keys
 * and in `{name, value}` pairs are reported, and strings that hold JSON documents are scanned inside.
 */
export function scanJson(document: unknown, location: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const visit = (value: unknown, path: string, key: string): void => {
    if (typeof value === "string") {
      findings.push(...scanText(value, path));
      const finding = secretValueFinding(key, value, path);
      if (finding) findings.push(finding);
      const trimmed = value.trim();
      if ((trimmed.startsWith("{") || trimmed.startsWith("[")) && trimmed.length > 1) {
        try {
          visitNested(JSON.parse(trimmed), path);
        } catch {
          // not JSON: scanned as text above
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`, key));
    } else if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      // {name: "DB_PASSWORD", value: "..."}: ECS environment variables, tags, parameters.
      if (typeof record.name === "string" && "value" in record) {
        const finding = secretValueFinding(record.name, record.value, `${path}.value`);
        if (finding) findings.push(finding);
      }
      for (const k of Object.keys(record)) visit(record[k], path ? `${path}.${k}` : k, k);
    }
  };
  // Text rules already ran over the enclosing string; only the key-based rules are new inside it.
  const visitNested = (value: unknown, path: string): void => {
    for (const finding of scanJson(value, `${path}<json>`)) {
      if (!TEXT_RULES.some((r) => r.rule === finding.rule)) findings.push(finding);
    }
  };
  visit(document, location, "");
  return findings;
}

/** Findings in a file's content: JSON files are scanned structurally, anything else as text. */
export function scanFile(content: string, location: string): SecretFinding[] {
  if (/\.json$/i.test(location)) {
    try {
      const structural = scanJson(JSON.parse(content), location);
      // The one text rule that needs the key next to the value, which parsing separates.
      const keyed = scanText(content, location).filter((f) => f.rule === "aws-secret-access-key");
      return [...structural, ...keyed];
    } catch {
      // fall through to text
    }
  }
  return scanText(content, location);
}

/** One line per finding, for test failure messages. */
export function formatFindings(findings: readonly SecretFinding[]): string {
  return findings.map((f) => `${f.rule} at ${f.location}: ${f.excerpt}`).join("\n");
}
