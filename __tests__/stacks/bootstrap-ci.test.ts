import { Testing } from "cdktf";
import { ConfigError, ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES, loadBootstrap } from "../../environments";
import { bootstrap as bootstrapInput } from "../../environments/bootstrap";
import {
  BOUNDARY_CONDITIONED_ROLE_ACTIONS,
  DEPLOY_PERMISSIONS,
  READ_ONLY_ACCESS,
  deployContext,
  planEnvironmentName,
  deployStatements,
  guardRailStatements,
} from "../../modules/delivery";
import { namePrefix, physicalName } from "../../lib/naming";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { stackResource, stackLogicalName, resourcesOf, synthAll, valuesOf } from "../helpers/synth";

const stack = synthAll().bootstrap;
const REPO = "air-applied-ai/infrastructure";
const providerRef = `\${aws_iam_openid_connect_provider.${stackLogicalName(stack, "aws_iam_openid_connect_provider", "ci/oidc-provider")}.arn}`;
const stateBucketArn = `\${aws_s3_bucket.${stackLogicalName(stack, "aws_s3_bucket", "bootstrap/state/bucket")}.arn}`;
const stateKeyArn = `\${aws_kms_key.${stackLogicalName(stack, "aws_kms_key", "state-kms/key")}.arn}`;

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: any;
};
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const roleLogical = (env: string, kind: string) =>
  stackLogicalName(stack, "aws_iam_role", `ci/${env}-${kind}/role`);
const inline = (env: string, kind: string): Statement[] =>
  JSON.parse(stackResource(stack, "aws_iam_role_policy", `ci/${env}-${kind}/policy`).policy).Statement;
const attachments = (env: string, kind: string): string[] =>
  valuesOf(stack, "aws_iam_role_policy_attachment")
    .filter((a) => a.role === `\${aws_iam_role.${roleLogical(env, kind)}.name}`)
    .map((a) => a.policy_arn);
/** The deploy roles' managed policies `air-applied-ai-ci-deploy-*` as [logicalName, values]. */
const deployPolicies = () =>
  resourcesOf(stack, "aws_iam_policy").filter(([, p]) => p.name.startsWith("air-applied-ai-ci-deploy-"));
const managedDeployStatements = (): Statement[] =>
  deployPolicies().flatMap(([, p]) => JSON.parse(p.policy).Statement);
/** Allowed actions on a resource, across statements (exact resource match). */
const allowedOn = (statements: Statement[], resource: string) =>
  statements
    .filter((s) => s.Effect === "Allow" && list(s.Resource).includes(resource))
    .flatMap((s) => list(s.Action));
/** Policy size as IAM counts it (no whitespace), with a 12-digit account id in place of the reference. */
const iamSize = (policy: string) =>
  policy
    .replace(/\$\{data\.aws_caller_identity\.current\.account_id\}/g, "123456789012")
    .replace(/\$\{[^}]+\}/g, "arn:aws:s3:::air-applied-ai-terraform-state")
    .replace(/\s/g, "").length;

describe("GitHub OIDC provider", () => {
  test("url, audience sts.amazonaws.com, no thumbprints (constraint 50: AWS no longer checks them)", () => {
    const [provider] = valuesOf(stack, "aws_iam_openid_connect_provider");
    expect(provider.url).toBe("https://token.actions.githubusercontent.com");
    expect(provider.client_id_list).toEqual(["sts.amazonaws.com"]);
    expect(provider.thumbprint_list).toBeUndefined();
    expect(valuesOf(stack, "aws_iam_openid_connect_provider")).toHaveLength(1);
  });

  test("an account that already has one: looked up, not created, and still trusted", () => {
    const app = Testing.app();
    const config = loadBootstrap({
      ...bootstrapInput,
      github: { ...bootstrapInput.github, createOidcProvider: false },
    });
    const synthesized = JSON.parse(
      Testing.synth(new BootstrapStack(app, "bootstrap", { owner: "platform-team", config })),
    );
    expect(synthesized.resource.aws_iam_openid_connect_provider).toBeUndefined();
    const [name, data] = Object.entries<any>(synthesized.data.aws_iam_openid_connect_provider)[0];
    expect(data.url).toBe("https://token.actions.githubusercontent.com");
    const role = Object.values<any>(synthesized.resource.aws_iam_role)[0];
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal.Federated).toBe(
      `\${data.aws_iam_openid_connect_provider.${name}.arn}`,
    );
  });
});

/** Allow statements only: the deny of the other states names their keys on purpose. */
const allows = (statements: Statement[]) => statements.filter((s) => s.Effect === "Allow");

describe.each(ENVIRONMENT_NAMES.map((e) => [e]))("CI roles of %s", (env) => {
  // The plan role: `<env>-plan`, a GitHub environment without reviewers; the deploy role: `<env>` only.
  test.each([
    ["plan", planEnvironmentName(env)],
    ["deploy", env],
  ])(
    "%s role trusts only this repository's GitHub environment %s, audience sts",
    (kind, githubEnvironment) => {
      const role = stackResource(stack, "aws_iam_role", `ci/${env}-${kind}/role`);
      expect(role.name).toBe(`air-applied-ai-ci-${env}-${kind}`);
      expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
        {
          Sid: "GithubActionsEnvironment",
          Effect: "Allow",
          Principal: { Federated: providerRef },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": `repo:${REPO}:environment:${githubEnvironment}`,
            },
          },
        },
      ]);
    },
  );

  test("no job of the plan environment can assume the deploy role, nor one of the deploy environment the plan role", () => {
    const subject = (kind: string) =>
      JSON.parse(stackResource(stack, "aws_iam_role", `ci/${env}-${kind}/role`).assume_role_policy)
        .Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"];
    expect(subject("plan")).not.toBe(subject("deploy"));
    expect(planEnvironmentName(env)).not.toBe(env);
  });

  test.each(["plan", "deploy"])(
    "%s role: every other state in the bucket (bootstrap's, the other environments') is denied",
    (kind) => {
      const deny = inline(env, kind).find((s) => s.Sid === "DenyOtherStates")!;
      expect(deny).toMatchObject({ Effect: "Deny", Action: "s3:*" });
      const others = ["bootstrap", ...ENVIRONMENT_NAMES.filter((e) => e !== env)];
      expect(list(deny.Resource).sort()).toEqual(
        others.map((o) => `${stateBucketArn}/${o}/terraform.tfstate*`).sort(),
      );
      // Its own state and lock file stay reachable.
      const own = `${stateBucketArn}/${env}/terraform.tfstate`;
      for (const key of [own, `${own}.tflock`])
        expect(list(deny.Resource).some((r) => globMatch(r, key))).toBe(false);
    },
  );

  test("plan role: ReadOnlyAccess; reads its state key, takes the lock file; never writes the state", () => {
    expect(attachments(env, "plan")).toEqual([READ_ONLY_ACCESS]);
    const s = inline(env, "plan");
    const key = `${stateBucketArn}/${env}/terraform.tfstate`;
    expect(allowedOn(s, key).sort()).toEqual(["s3:GetObject", "s3:GetObjectVersion"]);
    expect(allowedOn(s, `${key}.tflock`)).toEqual(
      expect.arrayContaining(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
    );
    expect(allowedOn(s, stateBucketArn)).toContain("s3:ListBucket");
    expect(allowedOn(s, stateKeyArn)).toEqual(
      expect.arrayContaining(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"]),
    );
    for (const other of ENVIRONMENT_NAMES.filter((e) => e !== env))
      expect(JSON.stringify(allows(s))).not.toContain(`/${other}/terraform.tfstate`);
    const secrets = s.find((x) => x.Sid === "ReadEnvironmentSecrets")!;
    expect(secrets.Resource).toMatch(
      new RegExp(`:secret:air-applied-ai${env === "prod" ? "" : `-${env}`}/\\*$`),
    );
  });

  test("deploy role: ReadOnlyAccess + the shared deploy policies; reads and writes its state and lock only", () => {
    const managed = deployPolicies().map(([name]) => `\${aws_iam_policy.${name}.arn}`);
    expect(managed).toHaveLength(3);
    expect(attachments(env, "deploy").sort()).toEqual([READ_ONLY_ACCESS, ...managed].sort());
    const s = inline(env, "deploy");
    const key = `${stateBucketArn}/${env}/terraform.tfstate`;
    for (const resource of [key, `${key}.tflock`])
      expect(allowedOn(s, resource)).toEqual(
        expect.arrayContaining(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
      );
    for (const other of ENVIRONMENT_NAMES.filter((e) => e !== env))
      expect(JSON.stringify(allows(s))).not.toContain(`/${other}/terraform.tfstate`);
  });

  test("deploy role guard rails: cannot change CI identities, the state bucket, or assume roles", () => {
    const deny = Object.fromEntries(
      inline(env, "deploy")
        .filter((s) => s.Effect === "Deny")
        .map((s) => [s.Sid, s]),
    );
    expect(list(deny.DenyChangingCiIdentity.Resource)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/:role\/air-applied-ai-ci-\*$/),
        expect.stringMatching(/:oidc-provider\/\*$/),
      ]),
    );
    expect(list(deny.DenyChangingCiIdentity.Action)).toEqual(
      expect.arrayContaining(["iam:Put*", "iam:Attach*", "iam:Update*"]),
    );
    expect(list(deny.DenyStateBucketConfiguration.Resource)).toContain(stateBucketArn);
    expect(deny.DenyAssumingRoles).toMatchObject({ Action: "sts:AssumeRole", Resource: "*" });
  });
});

describe("deploy permissions", () => {
  const statements = managedDeployStatements();
  const allowed = statements.filter((s) => s.Effect === "Allow");

  test("nothing account-wide: no '*' or '<service>:*' action; '*' resources only with non-restrictable actions", () => {
    for (const s of allowed) {
      for (const a of list(s.Action)) expect(a === "*" || a.endsWith(":*") ? a : "ok").toBe("ok");
    }
    const starResources = allowed.filter((s) => list(s.Resource).includes("*")).map((s) => s.Sid);
    expect(starResources.sort()).toEqual(
      [
        "BackupVaultStorage",
        "CreateHostedZones",
        "CreateTaggedAnomalyDetection",
        "CreateTaggedKeysAndCertificates",
        "GrafanaIdentityCenter",
        "LogDeliveryAndResourcePolicies",
        "RandomPasswords",
        "TaskDefinitions",
      ].sort(),
    );
    for (const sid of ["CreateTaggedKeysAndCertificates", "CreateTaggedAnomalyDetection"])
      expect(allowed.find((s) => s.Sid === sid)!.Condition).toEqual({
        StringEquals: { "aws:RequestTag/Project": "air-applied-ai" },
      });
  });

  test("IAM: only air-applied-ai* roles, only known AWS managed policies, PassRole only to the stacks' services", () => {
    const iam = allowed.filter((s) => list(s.Action).some((a) => a.startsWith("iam:")));
    for (const s of iam)
      for (const r of list(s.Resource))
        expect(r).toMatch(/:(role|instance-profile)\/(air-applied-ai\*|aws-service-role\/\*)$/);
    const attach = iam.find((s) => s.Sid === "AttachKnownManagedPolicies")!;
    expect(attach.Condition.ArnEquals["iam:PolicyARN"]).not.toContain(
      "arn:aws:iam::aws:policy/AdministratorAccess",
    );
    const pass = iam.find((s) => list(s.Action).includes("iam:PassRole"))!;
    expect(Object.keys(pass.Condition.StringEquals)).toEqual(["iam:PassedToService"]);
  });

  test("named services are scoped to the air-applied-ai* prefix", () => {
    const bySid = Object.fromEntries(allowed.map((s) => [s.Sid, list(s.Resource)]));
    for (const sid of ["Buckets", "Queues", "Topics", "Secrets", "Budgets", "Parameters", "Registry"])
      for (const r of bySid[sid]) expect(r).toMatch(/air-applied-ai\*$/);
  });

  test("every resource type the environment stacks manage belongs to a service the deploy role can write", () => {
    const SERVICE: [RegExp, string][] = [
      [
        /^aws_(vpc|subnet|route|eip|nat_gateway|internet_gateway|security_group|flow_log|instance|ebs_volume|volume_attachment|default_|network_acl|vpc_endpoint|vpc_security_group)/,
        "ec2",
      ],
      [/^aws_lb/, "elasticloadbalancing"],
      [/^aws_acm_/, "acm"],
      [/^aws_route53_/, "route53"],
      [/^aws_wafv2_/, "wafv2"],
      [/^aws_elasticache_/, "elasticache"],
      [/^aws_kms_/, "kms"],
      [/^aws_iam_/, "iam"],
      [/^aws_s3_/, "s3"],
      [/^aws_sqs_/, "sqs"],
      [/^aws_sns_/, "sns"],
      [/^aws_cloudwatch_log_/, "logs"],
      [/^aws_cloudwatch_(metric_alarm|composite_alarm|dashboard)/, "cloudwatch"],
      [/^aws_cloudwatch_event_/, "events"],
      [/^aws_secretsmanager_/, "secretsmanager"],
      [/^aws_backup_/, "backup"],
      [/^aws_budgets_/, "budgets"],
      [/^aws_ce_/, "ce"],
      [/^aws_prometheus_/, "aps"],
      [/^aws_grafana_/, "grafana"],
      [/^aws_ecs_/, "ecs"],
      [/^aws_ecr_/, "ecr"],
      [/^aws_appautoscaling_/, "application-autoscaling"],
      [/^aws_ssm_/, "ssm"],
    ];
    const services = new Set(allowed.flatMap((s) => list(s.Action)).map((a) => a.split(":")[0]));
    const all = synthAll();
    const types = new Set(
      ENVIRONMENT_NAMES.flatMap((env) => Object.keys(all[env].resource ?? {})).filter(
        (t) => t !== "time_sleep",
      ),
    );
    const uncovered = [...types].filter((t) => {
      const service = SERVICE.find(([re]) => re.test(t))?.[1];
      return !service || !services.has(service);
    });
    expect(uncovered).toEqual([]);
  });

  test("policy sizes stay within IAM's limits (managed 6,144; inline per role 10,240 characters)", () => {
    for (const p of valuesOf(stack, "aws_iam_policy")) expect(iamSize(p.policy)).toBeLessThanOrEqual(6144);
    for (const p of valuesOf(stack, "aws_iam_role_policy"))
      expect(iamSize(p.policy)).toBeLessThanOrEqual(10240);
  });
});

test("outputs: the OIDC provider and every role ARN, by static name", () => {
  const outputs = Object.keys(stack.output);
  expect(outputs).toContain("github_oidc_provider_arn");
  for (const env of ENVIRONMENT_NAMES)
    for (const kind of ["plan", "deploy"]) {
      expect(stack.output[`ci_${env}_${kind}_role_arn`].value).toBe(
        `\${aws_iam_role.${roleLogical(env, kind)}.arn}`,
      );
    }
});

describe("bootstrap config", () => {
  const invalid = (change: Record<string, unknown>) => () => loadBootstrap({ ...bootstrapInput, ...change });
  test.each([
    [
      { github: { owner: "air applied", repository: "infrastructure" } },
      /github\.owner = "air applied": must be a GitHub owner name/,
    ],
    [
      { github: { owner: "air-applied-ai", repository: "infra/structure" } },
      /github\.repository = "infra\/structure"/,
    ],
    [
      { environments: ["dev", "no-such-env"] },
      /environments\[1\] = "no-such-env": must be one of dev, staging, prod \(the environments registered in environments\/registry\.ts\)/,
    ],
    [
      { environments: ["dev", "Dev_2"] },
      /environments\[1\] = "Dev_2": must be 2-12 lowercase letters, digits or single hyphens/,
    ],
    [{ environments: ["dev", "dev"] }, /environments = \["dev","dev"\]: must not repeat an environment/],
    [{ environments: [] }, /environments = \[\]: must name at least one environment/],
    [
      { github: { owner: "a", repository: "b", thumbprints: [] } },
      /github\.thumbprints = \[\]: unknown field/,
    ],
  ])("%j -> one-line ConfigError naming the field and what is allowed", (change, message) => {
    expect(invalid(change)).toThrow(ConfigError);
    expect(invalid(change)).toThrow(message);
    try {
      invalid(change)();
    } catch (e) {
      expect((e as Error).message).toMatch(
        /^Invalid bootstrap config \(environments\/bootstrap\.ts\): [^\n]+$/,
      );
    }
  });

  test("only the listed environments get roles", () => {
    const app = Testing.app();
    const config = loadBootstrap({ ...bootstrapInput, environments: ["dev"] });
    const json = JSON.parse(
      Testing.synth(new BootstrapStack(app, "bootstrap", { owner: "platform-team", config })),
    );
    expect(
      Object.values<any>(json.resource.aws_iam_role)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["air-applied-ai-ci-dev-deploy", "air-applied-ai-ci-dev-plan"]);
  });
});

/** IAM's wildcard match of an action or ARN pattern (`*` any run, `?` one character; case-insensitive for actions). */
const globMatch = (pattern: string, value: string, ignoreCase = false) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    ignoreCase ? "i" : "",
  ).test(value);
/** Whether some statement of `effect` names the action (pattern match) on the resource (pattern match). */
const grants = (statements: Statement[], action: string, resource: string, effect = "Allow") =>
  statements.filter(
    (s) =>
      s.Effect === effect &&
      list(s.Action).some((a) => globMatch(a, action, true)) &&
      list(s.Resource).some((r) => globMatch(r, resource)),
  );
const ACCOUNT = "${data.aws_caller_identity.current.account_id}";
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/air-applied-ai-workload-boundary`;
const boundaryStatements = (): Statement[] =>
  JSON.parse(stackResource(stack, "aws_iam_policy", "ci/workload-boundary/policy").policy).Statement;
/** Everything the deploy role of `env` is given: its inline policy and the shared managed policies. */
const deployRoleStatements = (env: string): Statement[] => [
  ...inline(env, "deploy"),
  ...managedDeployStatements(),
];

describe("ECS service autoscaling alarms (issue #10, fix 5)", () => {
  // Application Auto Scaling names a target tracking policy's alarms
  // TargetTracking-<resource id>-AlarmHigh|AlarmLow-<uuid>; PutScalingPolicy / DeleteScalingPolicy check
  // that the caller may PutMetricAlarm / DeleteAlarms them (Application Auto Scaling User Guide,
  // "Permissions required for API actions on target services and CloudWatch").
  const alarm = (name: string) => `arn:aws:cloudwatch:us-east-2:${ACCOUNT}:alarm:${name}`;

  test.each(ENVIRONMENT_NAMES.map((e) => [e]))(
    "%s deploy role may put and delete its ECS service's TargetTracking-* alarms",
    (env) => {
      const name = (component: string) => physicalName(namePrefix(env), component);
      const resourceId = `service/${name("cluster")}/${name("api")}`;
      for (const suffix of ["AlarmHigh", "AlarmLow"]) {
        const arn = alarm(`TargetTracking-${resourceId}-${suffix}-0c5f2bd8-8fd7-4c58-9d3c-3b4a4b3a1f00`);
        for (const action of ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"])
          expect(grants(deployRoleStatements(env), action, arn).map((s) => s.Sid)).toEqual([
            "TargetTrackingAlarms",
          ]);
      }
    },
  );

  test("exactly those: no other alarm, no other CloudWatch action, and only project-named clusters and services", () => {
    const statement = managedDeployStatements().find((s) => s.Sid === "TargetTrackingAlarms")!;
    expect(list(statement.Action).sort()).toEqual(["cloudwatch:DeleteAlarms", "cloudwatch:PutMetricAlarm"]);
    expect(statement.Resource).toBe(alarm("TargetTracking-service/air-applied-ai*/air-applied-ai*"));
    const s = deployRoleStatements("prod");
    for (const other of [
      "TargetTracking-service/other-cluster/other-api-AlarmHigh-1",
      "TargetTracking-table/air-applied-ai-table-AlarmHigh-1",
      "someone-elses-alarm",
    ])
      expect(grants(s, "cloudwatch:PutMetricAlarm", alarm(other))).toEqual([]);
  });

  test("Application Auto Scaling may create its ECS service-linked role (it creates and deletes the alarms)", () => {
    const slr = managedDeployStatements().find((s) => s.Sid === "ServiceLinkedRoles")!;
    expect(slr.Condition.StringEquals["iam:AWSServiceName"]).toContain(
      "ecs.application-autoscaling.amazonaws.com",
    );
  });
});

describe("the deploy permission catalog (modules/delivery/deploy-permissions)", () => {
  const context = deployContext("123456789012", "arn:aws:s3:::state");

  test("each group is one managed policy air-applied-ai-ci-deploy-<group> holding exactly that group's statements", () => {
    const policies = Object.fromEntries(
      deployPolicies().map(([, p]) => [p.name, JSON.parse(p.policy).Statement]),
    );
    expect(Object.keys(policies).sort()).toEqual(
      Object.keys(DEPLOY_PERMISSIONS)
        .map((g) => `air-applied-ai-ci-deploy-${g}`)
        .sort(),
    );
    for (const [group, statements] of Object.entries(DEPLOY_PERMISSIONS))
      expect(policies[`air-applied-ai-ci-deploy-${group}`].map((s: Statement) => s.Sid)).toEqual(
        statements(context).map((s) => s.sid),
      );
  });

  test("groups hold only Allows, the guard rails only Denies; every statement id is unique", () => {
    const allows = Object.values(DEPLOY_PERMISSIONS).flatMap((statements) => statements(context));
    expect(allows.filter((s) => s.effect === "Deny")).toEqual([]);
    expect(guardRailStatements(context).every((s) => s.effect === "Deny")).toBe(true);
    const sids = deployStatements("123456789012", "arn:aws:s3:::state").map((s) => s.sid);
    expect(sids.every(Boolean)).toBe(true);
    expect(new Set(sids).size).toBe(sids.length);
  });
});

describe("an environment registered in memory (a throwaway name) gets its CI roles and outputs", () => {
  const registry = {
    ...ENVIRONMENT_INPUTS,
    "zz-test": { ...structuredClone(ENVIRONMENT_INPUTS.staging), name: "zz-test" },
  };
  const config = loadBootstrap(bootstrapInput, registry);
  const json = JSON.parse(
    Testing.synth(new BootstrapStack(Testing.app(), "bootstrap", { owner: "platform-team", config })),
  );

  test("bootstrap's environments default to the registry, in its order", () => {
    expect(config.environments).toEqual([...ENVIRONMENT_NAMES, "zz-test"]);
    expect(loadBootstrap().environments).toEqual([...ENVIRONMENT_NAMES]);
  });

  test.each(["plan", "deploy"])(
    "a %s role trusting only the GitHub environment zz-test, and its output",
    (kind) => {
      const [logical, role] = Object.entries<any>(json.resource.aws_iam_role).find(
        ([, r]) => r.name === `air-applied-ai-ci-zz-test-${kind}`,
      )!;
      expect(
        JSON.parse(role.assume_role_policy).Statement[0].Condition.StringEquals[
          "token.actions.githubusercontent.com:sub"
        ],
      ).toBe(`repo:${REPO}:environment:${kind === "plan" ? planEnvironmentName("zz-test") : "zz-test"}`);
      expect(json.output[`ci_zz-test_${kind}_role_arn`].value).toBe(`\${aws_iam_role.${logical}.arn}`);
    },
  );

  test("and its state key only: the plan role reads zz-test/terraform.tfstate", () => {
    const policy = Object.values<any>(json.resource.aws_iam_role_policy)
      .map((p) => p.policy)
      .join("\n");
    expect(policy).toContain("/zz-test/terraform.tfstate");
  });
});

describe("workload permissions boundary (issue #10, fix 10)", () => {
  const ROLE_WRITES = [...BOUNDARY_CONDITIONED_ROLE_ACTIONS];

  test("the boundary is a customer managed policy of the bootstrap stack, output by ARN", () => {
    const policy = stackResource(stack, "aws_iam_policy", "ci/workload-boundary/policy");
    expect(policy.name).toBe("air-applied-ai-workload-boundary");
    expect(stack.output.workload_permissions_boundary_arn.value).toBe(BOUNDARY_ARN);
  });

  test.each(ENVIRONMENT_NAMES.map((e) => [e]))(
    "%s deploy role: every Allow that can write a role's permissions requires exactly the boundary",
    (env) => {
      const writers = deployRoleStatements(env).filter(
        (s) =>
          s.Effect === "Allow" && list(s.Action).some((a) => ROLE_WRITES.some((w) => globMatch(a, w, true))),
      );
      // CreateRole, PutRolePermissionsBoundary, PutRolePolicy, DeleteRolePolicy, Attach/DetachRolePolicy
      expect(writers.map((s) => s.Sid).sort()).toEqual([
        "AttachKnownManagedPolicies",
        "WorkloadRolePermissions",
      ]);
      for (const s of writers) expect(s.Condition.StringEquals["iam:PermissionsBoundary"]).toBe(BOUNDARY_ARN);
      for (const action of ROLE_WRITES)
        expect(
          grants(deployRoleStatements(env), action, `arn:aws:iam::${ACCOUNT}:role/air-applied-ai-x`),
        ).not.toEqual([]);
    },
  );

  test.each(ENVIRONMENT_NAMES.map((e) => [e]))(
    "%s deploy role: explicit denies for role writes without the boundary, removing it, and changing the boundary policy",
    (env) => {
      const s = deployRoleStatements(env);
      const role = `arn:aws:iam::${ACCOUNT}:role/air-applied-ai-api`;
      const without = s.find((x) => x.Sid === "DenyRoleWritesWithoutWorkloadBoundary")!;
      expect(without.Effect).toBe("Deny");
      expect(list(without.Action).sort()).toEqual([...ROLE_WRITES].sort());
      expect(without.Condition).toEqual({ StringNotEquals: { "iam:PermissionsBoundary": BOUNDARY_ARN } });
      expect(grants(s, "iam:DeleteRolePermissionsBoundary", role, "Deny")).not.toEqual([]);
      expect(grants(s, "iam:DeleteRolePermissionsBoundary", role)).toEqual([]);
      for (const action of [
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
      ]) {
        expect(grants(s, action, BOUNDARY_ARN, "Deny")).not.toEqual([]);
        expect(grants(s, action, BOUNDARY_ARN)).toEqual([]);
      }
      // The CI roles cannot be handed to a service either.
      expect(
        grants(s, "iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/air-applied-ai-ci-${env}-deploy`, "Deny"),
      ).not.toEqual([]);
    },
  );

  test("the boundary denies every IAM action, every AssumeRole, and the Terraform state; it allows no IAM or STS action", () => {
    const s = boundaryStatements();
    for (const action of [
      "iam:CreateRole",
      "iam:PutRolePolicy",
      "iam:AttachRolePolicy",
      "iam:UpdateAssumeRolePolicy",
      "iam:CreatePolicyVersion",
      "iam:DeleteRolePermissionsBoundary",
      "iam:PassRole",
      "iam:CreateAccessKey",
    ])
      expect(grants(s, action, `arn:aws:iam::${ACCOUNT}:role/anything`, "Deny")).not.toEqual([]);
    expect(grants(s, "iam:CreatePolicyVersion", BOUNDARY_ARN, "Deny")).not.toEqual([]);
    for (const env of ENVIRONMENT_NAMES)
      expect(
        grants(s, "sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/air-applied-ai-ci-${env}-deploy`, "Deny"),
      ).not.toEqual([]);
    for (const resource of [stateBucketArn, `${stateBucketArn}/prod/terraform.tfstate`])
      for (const action of ["s3:GetObject", "s3:PutObject", "s3:PutBucketPolicy"])
        expect(grants(s, action, resource, "Deny")).not.toEqual([]);
    expect(grants(s, "kms:Decrypt", stateKeyArn, "Deny")).not.toEqual([]);
    const allowed = s.filter((x) => x.Effect === "Allow").flatMap((x) => list(x.Action));
    expect(allowed.filter((a) => /^(iam|sts|organizations|account):/.test(a))).toEqual([]);
  });

  test("the boundary admits every action the environment stacks' roles are granted (else a grant would silently fail)", () => {
    const s = boundaryStatements();
    const all = synthAll();
    const missing: string[] = [];
    for (const env of ENVIRONMENT_NAMES)
      for (const p of valuesOf(all[env], "aws_iam_role_policy"))
        for (const st of JSON.parse(p.policy).Statement as Statement[])
          for (const action of list(st.Action)) {
            // In this account and region; a grant on "*" (an action without resource-level permissions,
            // or a read the role makes account-wide) may also be admitted on "*".
            const regional = `arn:aws:${action.split(":")[0]}:us-east-2:${ACCOUNT}:x`;
            const admitted =
              grants(s, action, regional).length > 0 ||
              (list(st.Resource).includes("*") && grants(s, action, "*").length > 0);
            if (!admitted) missing.push(`${env} ${action}`);
          }
    expect([...new Set(missing)]).toEqual([]);
  });

  test("the boundary admits Session Manager and EBS snapshots/restores (the AWS managed policies of the Qdrant roles)", () => {
    const s = boundaryStatements();
    const regional = (r: string) => `arn:aws:ec2:us-east-2:${ACCOUNT}:${r}`;
    for (const [action, resource] of [
      ["ssm:UpdateInstanceInformation", regional("instance/i-0123")],
      ["ssmmessages:OpenDataChannel", "*"],
      ["ec2messages:GetMessages", "*"],
      ["ec2:CreateSnapshot", regional("volume/vol-0123")],
      ["ec2:CreateSnapshot", "arn:aws:ec2:us-east-2::snapshot/snap-0123"],
      ["ec2:CreateVolume", regional("volume/vol-0123")],
      ["ec2:DescribeSnapshots", "*"],
      [
        "backup:CopyIntoBackupVault",
        `arn:aws:backup:us-east-2:${ACCOUNT}:backup-vault:air-applied-ai-qdrant`,
      ],
    ])
      expect(grants(s, action, resource)).not.toEqual([]);
    // Other accounts and regions are outside it.
    expect(grants(s, "s3:GetObject", "arn:aws:s3:::someone-elses-bucket/x")).toEqual([]);
    expect(grants(s, "sqs:SendMessage", "arn:aws:sqs:eu-west-1:999999999999:q")).toEqual([]);
  });

  test.each(ENVIRONMENT_NAMES.map((e) => [e]))("every IAM role of %s carries the boundary", (env) => {
    const roles = valuesOf(synthAll()[env], "aws_iam_role");
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles)
      expect([role.name, role.permissions_boundary]).toEqual([role.name, BOUNDARY_ARN]);
  });

  test("the CI roles themselves (made by an administrator) carry none", () => {
    for (const role of valuesOf(stack, "aws_iam_role")) expect(role.permissions_boundary).toBeUndefined();
  });
});
