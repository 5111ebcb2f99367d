import { SecurityGroup as SecurityGroupResource } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";

export interface SecurityGroupProps {
  readonly vpcId: string;
  /** Group name (<= 255 chars). */
  readonly name: string;
  readonly description: string;
}

/** Where a rule points: another security group, or an IPv4 CIDR. */
export type Peer =
  | { readonly securityGroupId: string }
  | { readonly cidr: string }
  | { readonly prefixListId: string };

/**
 * A security group with no inline rules; every rule is a separate aws_vpc_security_group_*_rule with a
 * description and one port (TPA#32379: never mix inline and standalone rules). Terraform removes AWS's
 * default allow-all egress, so each group states the egress it needs.
 */
export class SecurityGroup extends Construct {
  public readonly securityGroupId: string;
  private ruleCount = 0;

  constructor(scope: Construct, id: string, props: SecurityGroupProps) {
    super(scope, id);
    const group = new SecurityGroupResource(this, "group", {
      name: props.name,
      description: props.description,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = group.id;
  }

  /** Allows TCP `port` (or `toPort` range) in from `peer`. */
  public allowIngress(peer: Peer, port: number, description: string, toPort = port): void {
    new VpcSecurityGroupIngressRule(this, `ingress-${this.ruleCount++}`, {
      securityGroupId: this.securityGroupId,
      description,
      ipProtocol: "tcp",
      fromPort: port,
      toPort,
      ...peerArgs(peer),
    });
  }

  /** Allows TCP `port` (or `toPort` range) out to `peer`. */
  public allowEgress(peer: Peer, port: number, description: string, toPort = port): void {
    new VpcSecurityGroupEgressRule(this, `egress-${this.ruleCount++}`, {
      securityGroupId: this.securityGroupId,
      description,
      ipProtocol: "tcp",
      fromPort: port,
      toPort,
      ...peerArgs(peer),
    });
  }
}

function peerArgs(peer: Peer) {
  if ("securityGroupId" in peer) return { referencedSecurityGroupId: peer.securityGroupId };
  if ("prefixListId" in peer) return { prefixListId: peer.prefixListId };
  return { cidrIpv4: peer.cidr };
}
