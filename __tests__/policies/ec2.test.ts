import { ec2Rules } from "../../policies/rules/ec2";
import { failingRules, notPassedByCommittedStacks, passingRules } from "../helpers/policy";

/*
 * policies/rules/ec2.ts: the Qdrant host, its EBS volume and their backups. Compliant: the committed
 * stacks, and a fixture for the two rules they give nothing to check (an aws_ami lookup, a DLM policy).
 * Non-compliant: a hand-written stack with every resource misconfigured.
 */

describe("EC2/EBS/backup rules", () => {
  test("the committed stacks pass every EC2/EBS/backup rule but the AMI-lookup and DLM ones (fixture below)", () => {
    expect(notPassedByCommittedStacks(ec2Rules)).toEqual(["CKV_AWS_386", "AAI-DLM-001"]);
  });

  test("a valid DLM policy and an arm64 aws_ami lookup pass", () => {
    const good = {
      data: {
        aws_ami: {
          al2023: { owners: ["amazon"], filter: [{ name: "architecture", values: ["arm64"] }] },
        },
      },
      resource: {
        aws_instance: { i: { instance_type: "r7g.xlarge", ami: "${data.aws_ami.al2023.id}" } },
        aws_dlm_lifecycle_policy: {
          d: {
            execution_role_arn: "arn:aws:iam::1:role/dlm",
            policy_details: {
              target_tags: { Backup: "x" },
              schedule: [
                {
                  create_rule: { interval: 24, interval_unit: "HOURS", times: ["03:00"] },
                  retain_rule: { count: 30 },
                },
              ],
            },
          },
        },
      },
    };
    const rules = ec2Rules.filter((r) => ["AAI-EC2-002", "CKV_AWS_386", "AAI-DLM-001"].includes(r.id));
    expect(passingRules({ stack: good, rules })).toEqual(["AAI-EC2-002", "CKV_AWS_386", "AAI-DLM-001"]);
    expect(failingRules({ stack: good, rules })).toEqual([]);
  });
});

describe("EC2/EBS/backup rules fail on misconfigured resources", () => {
  const bad = {
    data: {
      aws_ssm_parameter: {
        x86: { name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" },
      },
      aws_ami: { any: { most_recent: true, filter: [{ name: "name", values: ["al2023-*"] }] } },
    },
    resource: {
      aws_subnet: { s: { availability_zone: "us-east-2b" } },
      aws_instance: {
        i: {
          instance_type: "r6g.large",
          ami: "${data.aws_ssm_parameter.x86.insecure_value}",
          subnet_id: "${aws_subnet.s.id}",
          associate_public_ip_address: true,
          metadata_options: { http_tokens: "optional" },
          user_data:
            "export AWS_SECRET_ACCESS_KEY=abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ\nK=${data.aws_secretsmanager_secret_version.k.secret_string}\nID=AKIAABCDEFGHIJKLMNOP",
        },
      },
      aws_ebs_volume: {
        v: { availability_zone: "us-east-2a", type: "gp3", size: 10, iops: 6000, throughput: 1000 },
      },
      aws_volume_attachment: {
        a: { volume_id: "${aws_ebs_volume.v.id}", instance_id: "${aws_instance.i.id}" },
      },
      aws_backup_plan: { p: { rule: [{ rule_name: "r", start_window: 30, lifecycle: {} }] } },
      aws_backup_vault: { v: { name: "v" } },
      aws_dlm_lifecycle_policy: {
        d: {
          execution_role_arn: "arn:aws:iam::1:role/dlm",
          policy_details: {
            target_tags: { Backup: "x" },
            schedule: [{ create_rule: { interval: 5, interval_unit: "HOURS" }, retain_rule: { count: 30 } }],
          },
        },
      },
    },
  };
  const failed = failingRules({ stack: bad, rules: ec2Rules });

  test.each([
    "CKV_AWS_79",
    "CKV_AWS_8",
    "CKV_AWS_126",
    "CKV_AWS_135",
    "CKV_AWS_88",
    "CKV_AWS_46",
    "AAI-EC2-001",
    "CKV2_AWS_41",
    "AAI-EC2-002",
    "CKV_AWS_386",
    "CKV_AWS_3",
    "CKV_AWS_189",
    "CKV2_AWS_2",
    "AAI-EC2-003",
    "AAI-EC2-004",
    "CKV2_AWS_9",
    "AAI-BACKUP-001",
    "AAI-BACKUP-002",
    "AAI-DLM-001",
  ])("%s fails", (id) => {
    expect(failed).toContain(id);
  });
});
