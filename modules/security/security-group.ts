import { SecurityGroup as SecurityGroupResource } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { Connections, type IConnectable } from "./connections";

export interface SecurityGroupProps {
  readonly vpcId: string;
  /** Group name (<= 255 chars). */
  readonly name: string;
  readonly description: string;
  /** Short, stable name of this group as a peer in other groups' rule ids ("alb", "api", "redis"), [a-z0-9-]. */
  readonly peerName: string;
  /** What this group is, in other groups' rule descriptions ("the ALB", "Redis"). @default peerName */
  readonly peerDescription?: string;
  /** Ports other groups reach this one on by default (`x.connections.allowTo(this)`). @default [] */
  readonly defaultPorts?: readonly number[];
  /** Rule-description label per port, e.g. { 6333: "Qdrant REST" }. @default "<port>/tcp" */
  readonly portLabels?: Readonly<Record<number, string>>;
}

/**
 * Where a rule points: a CIDR or a managed prefix list. Each has a stable `name` for the rule id
 * (default for 0.0.0.0/0: "anywhere"). Security-group peers go through `connections.allowTo`.
 */
export type Peer =
  | { readonly cidr: string; readonly name?: string }
  | { readonly prefixListId: string; readonly name: string }
  | { readonly securityGroupId: string; readonly name: string };

/**
 * A security group with no inline rules; every rule is a separate aws_vpc_security_group_*_rule with a
 * description and one port (TPA#32379: never mix inline and standalone rules). Terraform removes AWS's
 * default allow-all egress, so each group states the egress it needs.
 *
 * Rule construct ids derive from the peer and the port (`from-<peer>-<port>`, `to-<peer>-<port>`, CDK's
 * `determineRuleScope`): reordering calls never renames a Terraform resource, and a repeated rule is a
 * no-op (found with node.tryFindChild), so callers need no bookkeeping of their own.
 */
export class SecurityGroup extends Construct implements IConnectable {
  public readonly securityGroupId: string;
  public readonly connections: Connections;

  constructor(scope: Construct, id: string, props: SecurityGroupProps) {
    super(scope, id);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(props.peerName))
      throw new Error(`SecurityGroup ${props.name}: peerName = "${props.peerName}": must be [a-z0-9-]+`);
    const group = new SecurityGroupResource(this, "group", {
      name: props.name,
      description: props.description,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = group.id;
    this.connections = new Connections(this, props);
  }

  /** Allows TCP `port` (or `port`-`toPort`) in from a CIDR or prefix list. Idempotent per peer and port. */
  public allowIngress(peer: Peer, port: number, description: string, toPort = port): void {
    const id = `from-${peerName(peer)}-${portId(port, toPort)}`;
    if (this.node.tryFindChild(id)) return;
    new VpcSecurityGroupIngressRule(this, id, {
      securityGroupId: this.securityGroupId,
      description,
      ipProtocol: "tcp",
      fromPort: port,
      toPort,
      ...peerArgs(peer),
    });
  }

  /** Allows TCP `port` (or `port`-`toPort`) out to a CIDR or prefix list. Idempotent per peer and port. */
  public allowEgress(peer: Peer, port: number, description: string, toPort = port): void {
    const id = `to-${peerName(peer)}-${portId(port, toPort)}`;
    if (this.node.tryFindChild(id)) return;
    new VpcSecurityGroupEgressRule(this, id, {
      securityGroupId: this.securityGroupId,
      description,
      ipProtocol: "tcp",
      fromPort: port,
      toPort,
      ...peerArgs(peer),
    });
  }
}

function peerName(peer: Peer): string {
  if (peer.name) return peer.name;
  const cidr = (peer as { cidr: string }).cidr;
  return cidr === "0.0.0.0/0" ? "anywhere" : `cidr-${cidr.replace(/[./]/g, "-")}`;
}

const portId = (port: number, toPort: number) => (toPort === port ? `${port}` : `${port}-${toPort}`);

function peerArgs(peer: Peer) {
  if ("securityGroupId" in peer) return { referencedSecurityGroupId: peer.securityGroupId };
  if ("prefixListId" in peer) return { prefixListId: peer.prefixListId };
  return { cidrIpv4: peer.cidr };
}
