/**
 * Cluster health of a Qdrant cluster, from Qdrant's own metrics (the collector scrapes every node's
 * /metrics into AMP): Prometheus alerting rules in the AMP workspace, routed by AMP's alert manager to
 * the alert topic. CloudWatch alarms cannot read AMP samples, so these rules live in the workspace.
 * Metric names: Qdrant's monitoring guide (cluster_* in distributed mode; collection_*_replicas v1.16+).
 */
import { PrometheusAlertManagerDefinition } from "@cdktf/provider-aws/lib/prometheus-alert-manager-definition";
import { PrometheusRuleGroupNamespace } from "@cdktf/provider-aws/lib/prometheus-rule-group-namespace";
import { Construct } from "constructs";
import { REGION } from "../../lib/naming";
import type { PrometheusWorkspace } from "./prometheus";

/** The service principal of AMP's alert manager (it publishes to the alert topic). */
export const AMP_ALERT_PUBLISHER = "aps.amazonaws.com";
/** What AMP's alert manager needs on the topic (AWS AMP docs, "alert manager SNS receiver"). */
export const AMP_TOPIC_ACTIONS = ["SNS:Publish", "SNS:GetTopicAttributes"];

export interface QdrantClusterRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly summary: string;
}

const JOB = '{job="qdrant"}';

/**
 * The rules for a cluster of `nodes` with `replicationFactor` copies of every shard. Each names what is
 * wrong and where to look; the runbook is docs/runbooks/disaster-recovery.md ("Qdrant cluster").
 */
export function qdrantClusterRules(nodes: number, replicationFactor: number): QdrantClusterRule[] {
  const quorum = Math.floor(nodes / 2) + 1;
  return [
    {
      alert: "QdrantNodeDown",
      expr: `up${JOB} == 0`,
      for: "5m",
      summary: "A Qdrant node's /metrics has not answered for 5 minutes (node down or unreachable).",
    },
    {
      alert: "QdrantQuorumAtRisk",
      expr: `sum(up${JOB}) < ${quorum}`,
      for: "2m",
      summary: `Fewer than ${quorum} of ${nodes} Qdrant nodes answer: Raft has no majority, collection changes and shard moves stop.`,
    },
    {
      alert: "QdrantPeerCount",
      expr: `cluster_peers_total${JOB} != ${nodes}`,
      for: "15m",
      summary: `A node knows a number of peers other than ${nodes}: a node has not joined, or a replaced node's old peer id was not removed.`,
    },
    {
      alert: "QdrantConsensusPending",
      expr: `cluster_pending_operations_total${JOB} > 0`,
      for: "10m",
      summary:
        "Consensus operations have been pending on a node for 10 minutes (no leader or a lagging peer).",
    },
    {
      alert: "QdrantDeadReplicas",
      expr: `collection_dead_replicas${JOB} > 0`,
      for: "10m",
      summary: "A node reports shard replicas that are not active (dead or recovering) for 10 minutes.",
    },
    {
      alert: "QdrantUnderReplicated",
      expr: `collection_active_replicas_min${JOB} < ${replicationFactor} and on(instance) collections_total${JOB} > 0`,
      for: "15m",
      summary: `A shard has fewer than ${replicationFactor} active replicas: one more node loss could lose it.`,
    },
  ];
}

export interface QdrantClusterAlertsProps {
  readonly workspace: PrometheusWorkspace;
  /** The alert topic (its key and policy must admit AMP_ALERT_PUBLISHER). */
  readonly topicArn: string;
  readonly nodes: number;
  readonly replicationFactor: number;
}

/** The rule group namespace `qdrant-cluster` and the workspace's alert manager (every alert to the topic). */
export class QdrantClusterAlerts extends Construct {
  public readonly rules: QdrantClusterRule[];

  constructor(scope: Construct, id: string, props: QdrantClusterAlertsProps) {
    super(scope, id);
    this.rules = qdrantClusterRules(props.nodes, props.replicationFactor);
    // JSON is YAML: rendered with JSON.stringify, no YAML library and no indentation bugs.
    new PrometheusRuleGroupNamespace(this, "rules", {
      name: "qdrant-cluster",
      workspaceId: props.workspace.workspaceId,
      data: JSON.stringify({
        groups: [
          {
            name: "qdrant-cluster",
            rules: this.rules.map((r) => ({
              alert: r.alert,
              expr: r.expr,
              for: r.for,
              labels: { severity: "critical" },
              annotations: { summary: r.summary },
            })),
          },
        ],
      }),
    });
    const alertmanager = {
      route: { receiver: "alert-topic", group_by: ["alertname"] },
      receivers: [
        {
          name: "alert-topic",
          sns_configs: [{ topic_arn: props.topicArn, sigv4: { region: REGION } }],
        },
      ],
    };
    new PrometheusAlertManagerDefinition(this, "alert-manager", {
      workspaceId: props.workspace.workspaceId,
      definition: `alertmanager_config: ${JSON.stringify(JSON.stringify(alertmanager))}\n`,
    });
  }
}
