import { ENVIRONMENT_NAMES } from "../../environments/schema";
import { synthAll, valuesOf } from "../helpers/synth";

describe.each(ENVIRONMENT_NAMES)("%s stack", (env) => {
  const stack = synthAll()[env];

  test("S3 backend: state bucket, <env>/terraform.tfstate, us-east-2, encrypted, S3-native locking", () => {
    expect(stack.terraform.backend).toEqual({
      s3: {
        bucket: "air-applied-ai-terraform-state",
        key: `${env}/terraform.tfstate`,
        region: "us-east-2",
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(stack.terraform.required_version).toBe(">= 1.11");
    expect(stack.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "6.25.0" });
  });

  test("AWS provider in us-east-2 with Project, Environment, ManagedBy, Owner and CostCenter default tags", () => {
    const [provider] = stack.provider.aws;
    expect(provider.region).toBe("us-east-2");
    expect(provider.default_tags[0].tags).toEqual({
      Project: "air-applied-ai",
      Environment: env,
      ManagedBy: "cdktf",
      Owner: "platform-team",
      CostCenter: `air-applied-ai-${env}`,
    });
  });

  test("static outputs for tooling", () => {
    expect(Object.keys(stack.output)).toEqual(
      expect.arrayContaining([
        "vpc_id",
        "public_subnet_ids",
        "private_subnet_ids",
        "availability_zones",
        "kms_key_arn",
      ]),
    );
  });

  test("KMS key: rotation, deletion window from config, prevent_destroy where stateful resources are protected", () => {
    const key = valuesOf(stack, "aws_kms_key").find((k) => k["//"].metadata.path === `${env}/kms/key`);
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(env === "dev" ? 7 : 30);
    expect(key.lifecycle.prevent_destroy).toBe(env !== "dev");
  });
});
