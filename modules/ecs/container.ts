/**
 * The FastAPI container definition, rendered as a plain JSON string (aws_ecs_task_definition
 * container_definitions): readable by scanners and by the policy pack, no Fn.jsonencode.
 */
import { REGION } from "../../lib/naming";

/** Name of the application container (the ALB target and the ECS Exec target). */
export const CONTAINER_NAME = "api";

/**
 * Seconds ECS waits after SIGTERM before SIGKILL. Fargate Spot gives a two-minute interruption notice
 * (SIGTERM arrives with it), so 110 s lets in-flight requests drain and leaves margin before the
 * reclaim; 120 is the Fargate maximum.
 */
export const STOP_TIMEOUT_SECONDS = 110;

/** Container health check timing (seconds); the start period is capped at ECS's maximum of 300. */
export const HEALTH_CHECK = { interval: 15, timeout: 5, retries: 3, maxStartPeriod: 300 } as const;

/**
 * Writable task-storage volumes (Fargate bind mounts) under the read-only root filesystem:
 * /tmp for the application (uploads, temp files, libraries that need a temp dir), and the three
 * directories the ECS Exec (SSM) agent writes to. AWS documents ECS Exec as unsupported with
 * readonlyRootFilesystem because the agent cannot create them; giving it exactly these writable
 * paths is the workaround from aws/containers-roadmap#1359 and aws-containers/amazon-ecs-exec-checker#71.
 */
export const SCRATCH_VOLUMES = [
  { name: "tmp", containerPath: "/tmp" },
  { name: "ssm-agent-managed", containerPath: "/managed-agents" },
  { name: "ssm-agent-state", containerPath: "/var/lib/amazon/ssm" },
  { name: "ssm-agent-logs", containerPath: "/var/log/amazon/ssm" },
] as const;

/**
 * Environment variable names that look like credentials (trivy AWS-0036 / FSBP ECS.8): such values
 * belong in `secrets` (valueFrom), never in `environment`.
 */
export const SECRET_LIKE_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/** Values that are credentials whatever their name: AWS access keys, PEM private keys, URL passwords. */
export const SECRET_LIKE_VALUE =
  /(\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----|[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@)/;

/**
 * The default health check: the image is Python (FastAPI), which always has python3, whereas slim and
 * distroless images often lack curl/wget. urlopen raises on a connection error, a timeout or any
 * non-2xx status, so the exit code is non-zero exactly when the endpoint is unhealthy.
 */
export function pythonHealthCheck(port: number, path: string): string[] {
  const url = `http://127.0.0.1:${port}${path}`;
  return ["CMD", "python3", "-c", `import urllib.request; urllib.request.urlopen('${url}', timeout=4)`];
}

export interface ContainerSpec {
  /** Image reference `<repository url>:<tag>`. */
  readonly image: string;
  readonly containerPort: number;
  /** Health-check command (ECS form: ["CMD", ...] or ["CMD-SHELL", "..."]). */
  readonly healthCheckCommand: readonly string[];
  /** Seconds before failed health checks count (<= 300). */
  readonly healthCheckStartPeriod: number;
  /** Plain configuration (no credentials). */
  readonly environment: Readonly<Record<string, string>>;
  /** Secrets Manager / SSM references injected by the ECS agent. */
  readonly secrets: readonly { readonly name: string; readonly valueFrom: string }[];
  readonly logGroupName: string;
}

/** The container_definitions JSON of the task definition (one essential container). */
export function renderContainerDefinitions(spec: ContainerSpec): string {
  const byName = <T extends { name: string }>(items: T[]) =>
    items.sort((a, b) => a.name.localeCompare(b.name));
  return JSON.stringify([
    {
      name: CONTAINER_NAME,
      image: spec.image,
      essential: true,
      portMappings: [
        { name: "http", containerPort: spec.containerPort, hostPort: spec.containerPort, protocol: "tcp" },
      ],
      readonlyRootFilesystem: true,
      privileged: false,
      // An init process reaps the ECS Exec agent's child processes (AWS's ECS Exec recommendation).
      linuxParameters: { initProcessEnabled: true },
      mountPoints: SCRATCH_VOLUMES.map((v) => ({
        sourceVolume: v.name,
        containerPath: v.containerPath,
        readOnly: false,
      })),
      environment: byName(Object.entries(spec.environment).map(([name, value]) => ({ name, value }))),
      secrets: byName(spec.secrets.map((s) => ({ name: s.name, valueFrom: s.valueFrom }))),
      healthCheck: {
        command: [...spec.healthCheckCommand],
        interval: HEALTH_CHECK.interval,
        timeout: HEALTH_CHECK.timeout,
        retries: HEALTH_CHECK.retries,
        startPeriod: spec.healthCheckStartPeriod,
      },
      stopTimeout: STOP_TIMEOUT_SECONDS,
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": spec.logGroupName,
          "awslogs-region": REGION,
          "awslogs-stream-prefix": CONTAINER_NAME,
          // A slow CloudWatch API must never block the application's stdout.
          mode: "non-blocking",
          "max-buffer-size": "25m",
        },
      },
    },
  ]);
}
