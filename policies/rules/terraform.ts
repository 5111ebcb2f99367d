import { type Rule } from "../engine";

const isEnvironment = (stack: { name: string }) => ["dev", "staging", "prod"].includes(stack.name);

export const terraformRules: Rule[] = [
  {
    id: "AAI-TF-001",
    description: "Environment state lives in the encrypted S3 backend in us-east-2 with S3-native locking",
    severity: "HIGH",
    fix: "Use S3Backend(bucket air-applied-ai-terraform-state, key <env>/terraform.tfstate, encrypt) and override use_lockfile = true.",
    resourceTypes: ["terraform"],
    appliesTo: isEnvironment,
    check: (tf, stack) => {
      const s3 = tf.values.backend?.s3;
      if (!s3) return "no s3 backend";
      if (s3.encrypt !== true) return "backend encrypt is not true";
      if (s3.use_lockfile !== true) return "backend use_lockfile is not true";
      if (s3.dynamodb_table) return "dynamodb_table locking is deprecated; use use_lockfile";
      if (s3.region !== "us-east-2") return `backend region is ${s3.region}`;
      if (s3.key !== `${stack.name}/terraform.tfstate`) return `backend key is ${s3.key}`;
      return true;
    },
  },
  {
    id: "AAI-TF-002",
    description: "Terraform >= 1.11 is required (use_lockfile and the S3 backend's current arguments)",
    severity: "MEDIUM",
    fix: 'Set terraform.required_version = ">= 1.11".',
    resourceTypes: ["terraform"],
    check: (tf) =>
      tf.values.required_version === ">= 1.11" || `required_version is ${tf.values.required_version}`,
  },
];
