/**
 * EC2/EBS rules (the Qdrant host and its data volume) and the backup rules that go with them:
 * checkov IDs where they exist, AAI-* for the apply-time constraints of aws-constraints.md (43-46).
 */
import {
  NOT_APPLICABLE,
  type Rule,
  type StackDoc,
  type TfResource,
  blocks,
  references,
  resourcesOf,
} from "../engine";

/** Graviton instance families need an arm64 AMI (aws-constraints 43). */
const GRAVITON = /^(a1|[cmrtx]\d+g[a-z]*|im4gn|is4gen|i4g|hpc7g)\./;
/** AWS access key ids, and assignments of a 40-character secret access key. */
const AWS_ACCESS_KEY_ID = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;
const AWS_SECRET_ASSIGNMENT = /aws_?secret_?access_?key\s*[=:]\s*["']?[A-Za-z0-9/+=]{40}/i;
/** Terraform references that would put a secret value (not just its ARN) into user data. */
const SECRET_VALUE_REFERENCE =
  /\$\{(data\.aws_secretsmanager_secret_version|aws_secretsmanager_secret_version|ephemeral\.|random_password)[^}]*\}/;
/** DLM create_rule.interval values the provider accepts (aws-constraints 46). */
const DLM_INTERVALS = [1, 2, 3, 4, 6, 8, 12, 24];

const first = (value: unknown): Record<string, any> | undefined => blocks(value)[0];

/** The resource of `type` that `value` (a "${type.name.attr}" string) references. */
function target(stack: StackDoc, type: string, value: unknown): TfResource | undefined {
  return resourcesOf(stack, type).find((r) => references(value, r));
}

/** An instance's AZ: its own availability_zone, or its subnet's. */
function instanceAz(stack: StackDoc, instance: TfResource): unknown {
  return (
    instance.values.availability_zone ??
    target(stack, "aws_subnet", instance.values.subnet_id)?.values.availability_zone
  );
}

export const ec2Rules: Rule[] = [
  {
    id: "CKV_AWS_79",
    controls: ["EC2.8"],
    description: "EC2 instances require IMDSv2 (metadata_options.http_tokens = required)",
    severity: "HIGH",
    fix: 'Set metadata_options { http_tokens = "required" }.',
    resourceTypes: ["aws_instance"],
    check: (i) => first(i.values.metadata_options)?.http_tokens === "required" || "IMDSv1 is allowed",
  },
  {
    id: "CKV_AWS_8",
    description: "EC2 instance root volumes are encrypted",
    severity: "HIGH",
    fix: "Declare root_block_device { encrypted = true, kms_key_id = <CMK> }.",
    resourceTypes: ["aws_instance"],
    check: (i) =>
      first(i.values.root_block_device)?.encrypted === true || "root_block_device.encrypted is not true",
  },
  {
    id: "CKV_AWS_126",
    description: "EC2 instances have detailed (1-minute) monitoring",
    severity: "LOW",
    fix: "Set monitoring = true.",
    resourceTypes: ["aws_instance"],
    check: (i) => i.values.monitoring === true || "monitoring is not true",
  },
  {
    id: "CKV_AWS_135",
    description: "EC2 instances are EBS-optimized",
    severity: "LOW",
    fix: "Set ebs_optimized = true.",
    resourceTypes: ["aws_instance"],
    check: (i) => i.values.ebs_optimized === true || "ebs_optimized is not true",
  },
  {
    id: "CKV_AWS_88",
    controls: ["EC2.9"],
    description: "EC2 instances have no public IP address",
    severity: "HIGH",
    fix: "Set associate_public_ip_address = false and use private subnets.",
    resourceTypes: ["aws_instance"],
    check: (i) => i.values.associate_public_ip_address !== true || "associate_public_ip_address is true",
  },
  {
    id: "CKV_AWS_46",
    description: "EC2 user data contains no AWS access keys or secret keys",
    severity: "CRITICAL",
    fix: "Use the instance role; never put credentials in user_data (stored in clear text in provider v6).",
    resourceTypes: ["aws_instance", "aws_launch_template"],
    check: (i) => {
      const userData = String(i.values.user_data ?? i.values.user_data_base64 ?? "");
      if (AWS_ACCESS_KEY_ID.test(userData)) return "user_data contains an AWS access key id";
      if (AWS_SECRET_ASSIGNMENT.test(userData)) return "user_data assigns an AWS secret access key";
      return true;
    },
  },
  {
    id: "AAI-EC2-001",
    description: "EC2 user data never interpolates a secret value (read secrets at boot through the role)",
    severity: "CRITICAL",
    fix: "Pass the secret's ARN and read it with `aws secretsmanager get-secret-value` on the instance.",
    resourceTypes: ["aws_instance", "aws_launch_template"],
    check: (i) => {
      const match = SECRET_VALUE_REFERENCE.exec(
        String(i.values.user_data ?? i.values.user_data_base64 ?? ""),
      );
      return match ? `user_data references ${match[0]}` : true;
    },
  },
  {
    id: "CKV2_AWS_41",
    description: "EC2 instances have an IAM instance profile",
    severity: "MEDIUM",
    fix: "Set iam_instance_profile (roles, never static keys).",
    resourceTypes: ["aws_instance"],
    check: (i) => !!i.values.iam_instance_profile || "iam_instance_profile is missing",
  },
  {
    id: "AAI-EC2-002",
    description: "Graviton instances boot an arm64 AMI (InvalidParameterValue: architecture mismatch)",
    severity: "HIGH",
    fix: "Take the AMI from the ...-arm64 SSM parameter, or a data aws_ami with owners and an architecture = arm64 filter.",
    resourceTypes: ["aws_instance"],
    check: (i, stack) => {
      if (!GRAVITON.test(String(i.values.instance_type))) return NOT_APPLICABLE;
      const param = resourcesOf(stack, "aws_ssm_parameter").find(
        (p) => p.address.startsWith("data.") && references(i.values.ami, p),
      );
      if (param)
        return /arm64$/.test(String(param.values.name)) || `AMI parameter ${param.values.name} is not arm64`;
      const ami = resourcesOf(stack, "aws_ami").find(
        (a) => a.address.startsWith("data.") && references(i.values.ami, a),
      );
      if (ami) {
        const arch = blocks(ami.values.filter).find((f) => f.name === "architecture");
        return (
          (arch && [arch.values].flat().includes("arm64")) ||
          "data aws_ami has no architecture = arm64 filter"
        );
      }
      return `cannot show that AMI ${JSON.stringify(i.values.ami)} is arm64 for ${i.values.instance_type}`;
    },
  },
  {
    id: "CKV_AWS_386",
    description: "data aws_ami lookups name the AMI owners (provider v6: most_recent errors without them)",
    severity: "HIGH",
    fix: 'Set owners = ["amazon"] (or the publishing account).',
    resourceTypes: ["aws_ami"],
    check: (a) =>
      a.mode !== "data"
        ? NOT_APPLICABLE
        : (Array.isArray(a.values.owners) && a.values.owners.length > 0) || "owners is missing",
  },
  {
    id: "CKV_AWS_3",
    controls: ["EC2.3"],
    description: "EBS volumes are encrypted",
    severity: "HIGH",
    fix: "Set encrypted = true.",
    resourceTypes: ["aws_ebs_volume"],
    check: (v) => v.values.encrypted === true || "encrypted is not true",
  },
  {
    id: "CKV_AWS_189",
    description: "EBS volumes are encrypted with a customer-managed KMS key",
    severity: "MEDIUM",
    fix: "Set kms_key_id to the project CMK.",
    resourceTypes: ["aws_ebs_volume"],
    check: (v) => !!v.values.kms_key_id || "kms_key_id is missing",
  },
  {
    id: "CKV2_AWS_2",
    description: "Volumes attached to instances are encrypted",
    severity: "HIGH",
    fix: "Attach only encrypted aws_ebs_volume resources.",
    resourceTypes: ["aws_volume_attachment"],
    check: (a, stack) => {
      const volume = target(stack, "aws_ebs_volume", a.values.volume_id);
      if (!volume) return "attaches a volume this stack does not declare (encryption unknown)";
      return volume.values.encrypted === true || `attached volume ${volume.path} is not encrypted`;
    },
  },
  {
    id: "AAI-EC2-003",
    description: "Attached EBS volumes are in the instance's AZ (InvalidVolume.ZoneMismatch)",
    severity: "HIGH",
    fix: "Create the volume in the availability zone of the instance's subnet.",
    resourceTypes: ["aws_volume_attachment"],
    check: (a, stack) => {
      const volume = target(stack, "aws_ebs_volume", a.values.volume_id);
      const instance = target(stack, "aws_instance", a.values.instance_id);
      if (!volume || !instance) return "volume or instance is not declared in this stack";
      const az = instanceAz(stack, instance);
      return (
        (az !== undefined && az === volume.values.availability_zone) ||
        `volume AZ ${volume.values.availability_zone} != instance AZ ${az}`
      );
    },
  },
  {
    id: "AAI-EC2-004",
    description:
      "gp3 volumes stay within AWS limits (IOPS 3000-80000 and <= 500/GiB; throughput 125-2000 and <= 0.25/IOPS)",
    severity: "HIGH",
    fix: "Lower iops/throughput or grow the volume (database.dataVolume* in the environment config).",
    resourceTypes: ["aws_ebs_volume"],
    check: (v) => {
      if (v.values.type !== "gp3") return NOT_APPLICABLE;
      const size = Number(v.values.size);
      const iops = Number(v.values.iops ?? 3000);
      const throughput = Number(v.values.throughput ?? 125);
      if (iops < 3000 || iops > 80000) return `iops ${iops} outside 3000-80000`;
      if (iops > size * 500) return `iops ${iops} > 500 per GiB of ${size} GiB`;
      if (throughput < 125 || throughput > 2000) return `throughput ${throughput} outside 125-2000 MiB/s`;
      if (throughput > iops * 0.25) return `throughput ${throughput} MiB/s > 0.25 per IOPS (${iops * 0.25})`;
      return true;
    },
  },
  {
    id: "CKV2_AWS_9",
    controls: ["EC2.28"],
    description: "EBS volumes are protected by an AWS Backup plan (a backup selection names them)",
    severity: "MEDIUM",
    fix: "Add the volume's ARN to an aws_backup_selection of a daily plan.",
    resourceTypes: ["aws_ebs_volume"],
    check: (v, stack) =>
      resourcesOf(stack, "aws_backup_selection").some((s) =>
        blocks(s.values.resources).some((arn) => references(arn, v)),
      ) || "no aws_backup_selection covers this volume",
  },
  {
    id: "AAI-BACKUP-001",
    description:
      "Backup plan rules are schedulable and retained (start window >= 60 min, completion >= start + 60, delete_after >= cold_storage_after + 90)",
    severity: "MEDIUM",
    fix: "Set start_window >= 60, completion_window >= start_window + 60 and a lifecycle.delete_after.",
    resourceTypes: ["aws_backup_plan"],
    check: (p) => {
      for (const rule of blocks(p.values.rule)) {
        const start = Number(rule.start_window ?? 60);
        const completion = Number(rule.completion_window ?? 10080);
        const lifecycle = first(rule.lifecycle);
        if (start < 60) return `rule ${rule.rule_name}: start_window ${start} < 60`;
        if (completion < start + 60)
          return `rule ${rule.rule_name}: completion_window ${completion} < start_window + 60`;
        if (!lifecycle?.delete_after)
          return `rule ${rule.rule_name}: no lifecycle.delete_after (kept forever)`;
        if (lifecycle.cold_storage_after && lifecycle.delete_after < lifecycle.cold_storage_after + 90)
          return `rule ${rule.rule_name}: delete_after must be >= cold_storage_after + 90`;
      }
      return true;
    },
  },
  {
    id: "AAI-BACKUP-002",
    description: "Backup vaults are encrypted with a customer-managed KMS key",
    severity: "MEDIUM",
    fix: "Set kms_key_arn on aws_backup_vault.",
    resourceTypes: ["aws_backup_vault"],
    check: (v) => !!v.values.kms_key_arn || "kms_key_arn is missing",
  },
  {
    id: "AAI-DLM-001",
    description:
      "DLM policies use an accepted schedule (interval in 1,2,3,4,6,8,12,24 HOURS, one time), count XOR interval retention, target tags and a role",
    severity: "HIGH",
    fix: "See aws-constraints.md 46: interval_unit HOURS, one times entry, retain_rule count (or interval), target_tags, execution_role_arn.",
    resourceTypes: ["aws_dlm_lifecycle_policy"],
    check: (p) => {
      if (!p.values.execution_role_arn) return "execution_role_arn is missing";
      const details = first(p.values.policy_details);
      if (!details) return "policy_details is missing";
      if (!details.target_tags || Object.keys(details.target_tags).length === 0)
        return "target_tags is empty";
      for (const schedule of blocks(details.schedule)) {
        const create = first(schedule.create_rule);
        if (create && !create.cron_expression) {
          if (!DLM_INTERVALS.includes(Number(create.interval)))
            return `create_rule.interval ${create.interval} not in ${DLM_INTERVALS.join(",")}`;
          if ((create.interval_unit ?? "HOURS") !== "HOURS") return "create_rule.interval_unit must be HOURS";
          if (blocks(create.times).length > 1) return "create_rule.times takes one HH:MM";
        }
        const retain = first(schedule.retain_rule);
        if (!retain || (retain.count === undefined) === (retain.interval === undefined))
          return "retain_rule needs exactly one of count or interval";
      }
      return true;
    },
  },
];
