import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Every command a user copies from the docs must work as written. The environment stacks declare the
 * required variable `image_tag` (no default), so each Terraform or cdktf command that evaluates an
 * environment's configuration must give it: `-var image_tag=...` / `--var image_tag=...`, or
 * `TF_VAR_image_tag` set earlier in the same code block. Applying a saved plan needs no variables.
 */
const ROOT = join(__dirname, "..");
const DOCS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".md"))
    .map((f) => join("docs", f)),
  ...readdirSync(join(ROOT, "modules"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".md"))
    .map((f) => join("modules", f)),
];

/** Subcommands that evaluate the configuration, so need every required variable. */
const EVALUATING = new Set(["plan", "apply", "import", "destroy", "refresh", "console"]);

/**
 * Code blocks and inline code spans of a Markdown file, as lists of lines. An inline span that is only
 * a command's name (`terraform apply`, `cdktf deploy`) names it in prose and is not a command to copy.
 */
export function codeSnippets(markdown: string): string[][] {
  const snippets: string[][] = [];
  const fenced = /```[^\n]*\n([\s\S]*?)```/g;
  for (const m of markdown.matchAll(fenced)) snippets.push(m[1].split("\n"));
  for (const m of markdown.replace(fenced, "").matchAll(/`([^`\n]+)`/g))
    if (!/^(npx )?(terraform|cdktf) [\w|]+$/.test(m[1].trim())) snippets.push([m[1]]);
  return snippets;
}

/** Commands in a snippet that evaluate an environment stack without giving image_tag. */
export function missingImageTag(lines: readonly string[]): string[] {
  const problems: string[] = [];
  let exported = false;
  for (const line of lines) {
    if (/\bTF_VAR_image_tag=/.test(line)) exported = true;
    const tf = line.match(/\bterraform\s+((?:-chdir=\S+\s+)*)(\S+)(.*)$/);
    if (tf) {
      const [, chdir, sub, rest] = tf;
      const planFile =
        sub === "apply" && /\s[\w$.{}-]+\.tfplan\b|\s+plan\s*$|\s+"?\$?\w*plan"?\s*$/.test(rest);
      const needsVar = EVALUATING.has(sub) && !chdir.includes("bootstrap") && !planFile;
      if (needsVar && !exported && !/-var[= ]['"]?image_tag=/.test(rest)) problems.push(line.trim());
    }
    const cdktf = line.match(/\bcdktf\s+(plan|deploy|diff|destroy)\b(.*)$/);
    if (cdktf && !/\bbootstrap\b/.test(cdktf[2]) && !exported && !/--var[= ]['"]?image_tag=/.test(cdktf[2]))
      problems.push(line.trim());
  }
  return problems;
}

describe("documented commands give the required image_tag variable", () => {
  test.each(DOCS)("%s", (file) => {
    const problems = codeSnippets(readFileSync(join(ROOT, file), "utf8")).flatMap(missingImageTag);
    expect(problems).toEqual([]);
  });

  test("the check tells complete and incomplete commands apart", () => {
    expect(codeSnippets("run `terraform apply` (prose) or `terraform apply -replace=x`")).toEqual([
      ["terraform apply -replace=x"],
    ]);
    expect(missingImageTag(["terraform -chdir=cdktf.out/stacks/prod plan -out=prod.tfplan"])).toHaveLength(1);
    expect(missingImageTag(["npx cdktf deploy staging"])).toHaveLength(1);
    expect(missingImageTag(["terraform apply -replace=<instance address>"])).toHaveLength(1);
    expect(
      missingImageTag([
        "terraform -chdir=cdktf.out/stacks/prod plan -var image_tag=sha-0123abc -out=prod.tfplan",
        "terraform -chdir=cdktf.out/stacks/prod apply prod.tfplan",
        "terraform -chdir=cdktf.out/stacks/bootstrap apply",
        "npx cdktf deploy staging --var image_tag=sha-0123abc",
        "terraform -chdir=cdktf.out/stacks/dev validate",
      ]),
    ).toEqual([]);
    expect(missingImageTag(["export TF_VAR_image_tag=sha-0123abc", "terraform apply -replace=x"])).toEqual(
      [],
    );
  });
});
