/**
 * Routing on the ALB's listeners. HTTPS: priority 1 maintenance rule (only in maintenance mode),
 * priority 10 forwards Host = domainName to the target group(s), and the default action answers 404 for
 * any other Host (scanners hitting the ALB's IPs or raw DNS name never reach the app). HTTP: 301 to
 * HTTPS. Toggling maintenance mode adds or removes one rule; the listener itself is never replaced.
 */
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import type { Construct } from "constructs";
import { type ErrorPage, PAGE_CONTENT_TYPE } from "./error-pages";

/** Listener-rule priorities on the HTTPS listener (lower wins). */
export const RULE_PRIORITY = { maintenance: 1, forward: 10 } as const;

export interface ListenersProps {
  /** ALB name (rule Name tags). */
  readonly name: string;
  readonly loadBalancerArn: string;
  readonly certificateArn: string;
  readonly tlsPolicy: string;
  /** Host forwarded to the service. */
  readonly domainName: string;
  readonly pages: { readonly notFound: ErrorPage; readonly maintenance: ErrorPage };
  readonly primaryTargetGroupArn: string;
  /** With a second target group the forward rule is weighted 100/0 and ECS owns the weights. @default none */
  readonly alternateTargetGroupArn?: string;
  readonly maintenanceMode: boolean;
}

/** The HTTPS and HTTP listeners and the HTTPS listener's rules, created in `scope` (the LoadBalancer). */
export function addListeners(
  scope: Construct,
  p: ListenersProps,
): { https: LbListener; forward: LbListenerRule } {
  const https = new LbListener(scope, "https", {
    loadBalancerArn: p.loadBalancerArn,
    port: 443,
    protocol: "HTTPS",
    sslPolicy: p.tlsPolicy,
    certificateArn: p.certificateArn,
    // Security headers on every response, without changing the app.
    routingHttpResponseStrictTransportSecurityHeaderValue: "max-age=31536000; includeSubDomains",
    routingHttpResponseXContentTypeOptionsHeaderValue: "nosniff",
    routingHttpResponseServerEnabled: false,
    defaultAction: [fixedResponse(p.pages.notFound)],
  });

  new LbListener(scope, "http", {
    loadBalancerArn: p.loadBalancerArn,
    port: 80,
    protocol: "HTTP",
    defaultAction: [
      {
        type: "redirect",
        redirect: {
          protocol: "HTTPS",
          port: "443",
          host: "#{host}",
          path: "/#{path}",
          query: "#{query}",
          statusCode: "HTTP_301",
        },
      },
    ],
  });

  const forward = new LbListenerRule(scope, "forward", {
    listenerArn: https.arn,
    priority: RULE_PRIORITY.forward,
    condition: [{ hostHeader: { values: [p.domainName] } }],
    action: [
      p.alternateTargetGroupArn
        ? {
            type: "forward",
            forward: {
              targetGroup: [
                { arn: p.primaryTargetGroupArn, weight: 100 },
                { arn: p.alternateTargetGroupArn, weight: 0 },
              ],
            },
          }
        : { type: "forward", targetGroupArn: p.primaryTargetGroupArn },
    ],
    tags: { Name: `${p.name}-forward` },
    // ECS-native blue/green shifts these weights during a deployment; Terraform must not reset them.
    ...(p.alternateTargetGroupArn ? { lifecycle: { ignoreChanges: ["action"] } } : {}),
  });

  if (p.maintenanceMode) {
    new LbListenerRule(scope, "maintenance", {
      listenerArn: https.arn,
      priority: RULE_PRIORITY.maintenance,
      condition: [{ pathPattern: { values: ["/*"] } }],
      action: [fixedResponse(p.pages.maintenance)],
      tags: { Name: `${p.name}-maintenance` },
    });
  }
  return { https, forward };
}

function fixedResponse(page: ErrorPage) {
  return {
    type: "fixed-response",
    fixedResponse: {
      contentType: PAGE_CONTENT_TYPE.alb,
      messageBody: page.content,
      statusCode: String(page.statusCode),
    },
  };
}
