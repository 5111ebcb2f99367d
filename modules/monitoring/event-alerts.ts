import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { Construct } from "constructs";
import type { PolicyStatement } from "../../lib/iam";

/**
 * An AWS event that must reach the on-call at once (the event counterpart of an alarm spec): another
 * tier describes it, Monitoring routes it to the alert topic with an EventBridge rule. Events suit
 * one-off outcomes such as a failed restore test: they arrive within minutes, carry the job's id, and
 * can be confined to this environment's resources (the environments share one account).
 */
export interface EventAlert {
  /** Suffix of the rule name `<prefix>-<id>` (unique within the environment). */
  readonly id: string;
  /** What the alert means and where the runbook is (the rule's description, <= 512 characters). */
  readonly description: string;
  /** EventBridge event pattern (default bus). */
  readonly eventPattern: Record<string, unknown>;
  /** The e-mail text: `text` with `<name>` replaced by the event value at JSONPath `paths[name]`. */
  readonly message: { readonly paths: Record<string, string>; readonly text: string };
}

export interface EventAlertRulesProps {
  /** Name prefix of the rules (`<prefix>-<alert id>`). */
  readonly namePrefix: string;
  readonly topicArn: string;
  readonly alerts: readonly EventAlert[];
}

/** One EventBridge rule per alert, each targeting the alert topic with a readable message. */
export class EventAlertRules extends Construct {
  /** Rule names by alert id. */
  public readonly ruleNames: Record<string, string> = {};
  private readonly ruleArns: string[] = [];

  constructor(scope: Construct, id: string, props: EventAlertRulesProps) {
    super(scope, id);
    const ids = new Set<string>();
    for (const alert of props.alerts) {
      if (ids.has(alert.id)) throw new Error(`Monitoring: duplicate event alert id ${alert.id}`);
      ids.add(alert.id);
      const rule = new CloudwatchEventRule(this, alert.id, {
        name: `${props.namePrefix}-${alert.id}`,
        description: alert.description,
        eventPattern: JSON.stringify(alert.eventPattern),
      });
      new CloudwatchEventTarget(this, `${alert.id}-topic`, {
        rule: rule.name,
        arn: props.topicArn,
        targetId: "alert-topic",
        // A template that is a plain string must be a quoted JSON string (EventBridge input transformer).
        inputTransformer: {
          inputPaths: alert.message.paths,
          inputTemplate: JSON.stringify(alert.message.text),
        },
      });
      this.ruleNames[alert.id] = rule.name;
      this.ruleArns.push(rule.arn);
    }
  }

  /**
   * The topic-policy statement letting EventBridge publish for these rules only, or none without rules.
   * (aws:SourceArn is what SNS documents for EventBridge; the key needs its own statement, see Monitoring.)
   */
  public publishStatement(topicArn: string): PolicyStatement[] {
    if (this.ruleArns.length === 0) return [];
    return [
      {
        sid: "EventBridgeRulesPublish",
        principals: { Service: "events.amazonaws.com" },
        actions: ["SNS:Publish"],
        resources: [topicArn],
        conditions: { ArnEquals: { "aws:SourceArn": this.ruleArns } },
      },
    ];
  }
}
