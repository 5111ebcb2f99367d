/**
 * Builds the Grafana HTTP API requests that provision an environment's workspace: the two data sources
 * (AMP with SigV4 through the workspace role, CloudWatch), a folder, and the four dashboards of
 * ./dashboards with their variables set to the environment's identifiers (stack output
 * `grafana_dashboard_variables`). Pure functions: scripts/provision-grafana.mjs sends the requests,
 * the tests check them offline.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REGION } from "../../lib/naming";
import { GRAFANA_DASHBOARD_FILES } from "./dashboards";

export const GRAFANA_FOLDER = { uid: "air-applied-ai", title: "air-applied-ai" } as const;
export const DATASOURCE_UIDS = { prometheus: "amp", cloudwatch: "cloudwatch" } as const;

/** A Grafana dashboard model (only the parts this file touches are typed). */
export interface DashboardVariable {
  name: string;
  type: string;
  query?: string;
  current?: unknown;
  options?: unknown[];
  [key: string]: unknown;
}
export interface GrafanaDashboard {
  uid: string;
  templating?: { list?: DashboardVariable[] };
  [key: string]: unknown;
}

export interface ProvisioningInputs {
  /** Stack output prometheus_endpoint, e.g. https://aps-workspaces.us-east-2.amazonaws.com/workspaces/ws-.../ */
  readonly prometheusEndpoint: string;
  /** Stack output grafana_dashboard_variables. */
  readonly variables: Record<string, string>;
  /** Environment name, recorded in the dashboard version message. */
  readonly environment: string;
}

export interface GrafanaRequest {
  readonly method: "POST" | "PUT";
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** On 409/412 (already exists), send this instead (update in place). */
  readonly onConflict?: { readonly method: "PUT"; readonly path: string };
}

/** The dashboards as stored in the repository. */
export function loadDashboards(dir: string): Record<string, GrafanaDashboard> {
  return Object.fromEntries(
    GRAFANA_DASHBOARD_FILES.map((file) => [file, JSON.parse(readFileSync(join(dir, file), "utf8"))]),
  );
}

/** Sets each textbox/custom variable's value (custom: comma-separated list, all selected). */
export function withVariables(
  dashboard: GrafanaDashboard,
  variables: Record<string, string>,
): GrafanaDashboard {
  const copy = structuredClone(dashboard);
  for (const v of copy.templating?.list ?? []) {
    if (v.type !== "textbox" && v.type !== "custom") continue;
    const value = variables[v.name];
    if (value === undefined || value === "")
      throw new Error(
        `Grafana dashboard ${copy.uid}: no value for variable "${v.name}" in grafana_dashboard_variables`,
      );
    if (v.type === "textbox") {
      v.query = value;
      v.current = { text: value, value };
      v.options = [{ selected: true, text: value, value }];
    } else {
      const values = value.split(",").map((s) => s.trim());
      v.query = values.join(",");
      v.current = { text: values, value: values };
      v.options = values.map((x) => ({ selected: true, text: x, value: x }));
    }
  }
  return copy;
}

/** Every request, in order: data sources, folder, dashboards. */
export function buildProvisioningRequests(
  inputs: ProvisioningInputs,
  dashboards: Record<string, GrafanaDashboard>,
): GrafanaRequest[] {
  if (
    !/^https:\/\/aps-workspaces\.[a-z0-9-]+\.amazonaws\.com\/workspaces\/ws-[\w-]+\/?$/.test(
      inputs.prometheusEndpoint,
    )
  )
    throw new Error(
      `prometheus_endpoint = "${inputs.prometheusEndpoint}": must be an AMP workspace endpoint`,
    );
  const datasource = (uid: string, body: Record<string, unknown>): GrafanaRequest => ({
    method: "POST",
    path: "/api/datasources",
    body: { uid, access: "proxy", ...body },
    onConflict: { method: "PUT", path: `/api/datasources/uid/${uid}` },
  });
  return [
    datasource(DATASOURCE_UIDS.prometheus, {
      name: "Prometheus (AMP)",
      type: "prometheus",
      url: inputs.prometheusEndpoint.replace(/\/$/, ""),
      isDefault: true,
      // SigV4 with the workspace's IAM role (the role this stack passes as role_arn).
      jsonData: { httpMethod: "POST", sigV4Auth: true, sigV4AuthType: "ec2_iam_role", sigV4Region: REGION },
    }),
    datasource(DATASOURCE_UIDS.cloudwatch, {
      name: "CloudWatch",
      type: "cloudwatch",
      jsonData: { authType: "ec2_iam_role", defaultRegion: REGION },
    }),
    { method: "POST", path: "/api/folders", body: { ...GRAFANA_FOLDER } },
    ...Object.values(dashboards).map((d) => ({
      method: "POST" as const,
      path: "/api/dashboards/db",
      body: {
        dashboard: { ...withVariables(d, inputs.variables), id: null },
        folderUid: GRAFANA_FOLDER.uid,
        overwrite: true,
        message: `provisioned for ${inputs.environment} from modules/monitoring/dashboards`,
      },
    })),
  ];
}
