/**
 * The ECS tier's own contract: the service settings it accepts (the config schema maps `ecs` onto
 * this, and imports DEPLOYMENT_STRATEGIES from here), and the pure functions derived from them.
 */
import type { EcsServiceDeploymentConfiguration } from "@cdktf/provider-aws/lib/ecs-service";
import { FARGATE_CPU_VALUES, describeFargateMemory, fargateMemoryFor } from "../../lib/fargate";

/** ECS-native deployment strategies (aws_ecs_service deployment_configuration.strategy). */
export const DEPLOYMENT_STRATEGIES = ["ROLLING", "BLUE_GREEN", "CANARY", "LINEAR"] as const;
export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

/** Fargate capacity providers of the cluster (FARGATE = on-demand, FARGATE_SPOT = interruptible). */
export const CAPACITY_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;

/** True for the strategies that shift traffic between two target groups (all but ROLLING). */
export function shiftsTraffic(strategy: DeploymentStrategy): boolean {
  return strategy !== "ROLLING";
}

/** Sizes, scaling, capacity strategy and deployment strategy of the service (config `ecs`). */
export interface ServiceSettings {
  /** Task CPU units (a Fargate value: 256, 512, 1024, ...). */
  readonly taskCpu: number;
  /** Task memory MiB (a valid Fargate pair with taskCpu). */
  readonly taskMemory: number;
  /** Port the container listens on (the ALB targets it; the metrics scraper too). */
  readonly containerPort: number;
  /** Container and ALB health-check path, e.g. "/health". */
  readonly healthCheckPath: string;
  /** Autoscaling bounds; the service is created at minCapacity. */
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Target tracking: average CPU % and memory % (10-95). */
  readonly cpuTargetPercent: number;
  readonly memoryTargetPercent: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
  /** Tasks always on FARGATE (on-demand) before the weights apply. */
  readonly onDemandBase: number;
  /** Relative weights of FARGATE and FARGATE_SPOT above the base (one must be > 0). */
  readonly onDemandWeight: number;
  readonly spotWeight: number;
  readonly deploymentStrategy: DeploymentStrategy;
  /** Canary: percent shifted first; linear: percent per step. */
  readonly trafficShiftPercent: number;
  /** Minutes between canary/linear steps, and bake time before the old revision is removed. */
  readonly bakeTimeMinutes: number;
  /** Grace period before ALB health checks count against a new task. */
  readonly healthCheckGracePeriodSeconds: number;
  /** ECR lifecycle: tagged images kept (rollback targets). */
  readonly imageRetentionCount: number;
}

/** A broken rule of the service settings: which field, its value, and the rule it breaks. */
export interface SettingsProblem {
  readonly field: keyof ServiceSettings;
  readonly value: unknown;
  readonly rule: string;
}

/**
 * The rules AWS enforces only at apply, across fields: Fargate size pairs, autoscaling bounds, a usable
 * capacity-provider strategy, ECS traffic-shift steps and bake times. One list for both callers: the
 * config schema reports them under `ecs.`, the Application construct under `settings.`; `prefix` names
 * the sibling fields a rule refers to the same way.
 */
export function serviceSettingsProblems(s: ServiceSettings, prefix: string): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const problem = (field: keyof ServiceSettings, rule: string) =>
    problems.push({ field, value: s[field], rule });
  if (!FARGATE_CPU_VALUES.includes(s.taskCpu))
    problem("taskCpu", `must be a Fargate task cpu value: ${FARGATE_CPU_VALUES.join(", ")}`);
  else if (!fargateMemoryFor(s.taskCpu).includes(s.taskMemory))
    problem(
      "taskMemory",
      `must be a Fargate memory value for cpu ${s.taskCpu}: ${describeFargateMemory(s.taskCpu)}`,
    );
  if (s.minCapacity < 1) problem("minCapacity", "must be >= 1");
  else if (s.minCapacity > s.maxCapacity)
    problem("minCapacity", `must be <= ${prefix}maxCapacity (${s.maxCapacity})`);
  if (s.onDemandWeight + s.spotWeight === 0)
    problem("spotWeight", `must be > 0 when ${prefix}onDemandWeight is 0 (one weight must be positive)`);
  for (const field of ["cpuTargetPercent", "memoryTargetPercent"] as const)
    if (s[field] < 10 || s[field] > 95) problem(field, "must be 10-95");
  if (!DEPLOYMENT_STRATEGIES.includes(s.deploymentStrategy))
    problem("deploymentStrategy", `must be one of ${DEPLOYMENT_STRATEGIES.join(", ")}`);
  if (s.deploymentStrategy === "LINEAR" && s.trafficShiftPercent < 3)
    problem(
      "trafficShiftPercent",
      `must be 3-100 with ${prefix}deploymentStrategy LINEAR (ECS linear step percent)`,
    );
  else if (s.trafficShiftPercent < 0.1 || s.trafficShiftPercent > 100)
    problem("trafficShiftPercent", "must be 0.1-100");
  else if (Math.abs(s.trafficShiftPercent * 10 - Math.round(s.trafficShiftPercent * 10)) > 1e-9)
    problem("trafficShiftPercent", "must be a multiple of 0.1 (ECS)");
  if (!Number.isInteger(s.bakeTimeMinutes) || s.bakeTimeMinutes < 0 || s.bakeTimeMinutes > 1440)
    problem("bakeTimeMinutes", "must be 0-1440 minutes");
  return problems;
}

/** FARGATE carries the on-demand base and its weight; FARGATE_SPOT takes the rest by weight. */
export function capacityProviderStrategy(
  s: Pick<ServiceSettings, "onDemandBase" | "onDemandWeight" | "spotWeight">,
) {
  return [
    { capacityProvider: "FARGATE", base: s.onDemandBase, weight: s.onDemandWeight },
    { capacityProvider: "FARGATE_SPOT", base: 0, weight: s.spotWeight },
  ];
}

/**
 * ECS-native deployment configuration per strategy. ROLLING replaces tasks in place (min 100 %, max
 * 200 %). BLUE_GREEN starts the full new revision behind the alternate target group, shifts all traffic
 * at once, then keeps the old revision for the bake time (instant rollback). CANARY shifts
 * trafficShiftPercent first and the rest after bakeTimeMinutes; LINEAR shifts trafficShiftPercent per
 * step every bakeTimeMinutes.
 */
export function deploymentConfiguration(s: ServiceSettings): EcsServiceDeploymentConfiguration {
  const bake = String(s.bakeTimeMinutes);
  switch (s.deploymentStrategy) {
    case "ROLLING":
      return { strategy: "ROLLING" };
    case "BLUE_GREEN":
      return { strategy: "BLUE_GREEN", bakeTimeInMinutes: bake };
    case "CANARY":
      return {
        strategy: "CANARY",
        bakeTimeInMinutes: bake,
        canaryConfiguration: { canaryPercent: s.trafficShiftPercent, canaryBakeTimeInMinutes: bake },
      };
    case "LINEAR":
      return {
        strategy: "LINEAR",
        bakeTimeInMinutes: bake,
        linearConfiguration: { stepPercent: s.trafficShiftPercent, stepBakeTimeInMinutes: bake },
      };
  }
}
