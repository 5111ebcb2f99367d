/**
 * Network paths between security groups, both ends in one call (aws-cdk-lib aws-ec2 `Connections`):
 * `app.connections.allowTo(cache)` writes the egress rule on the app's group and the ingress rule on
 * the cache's. Rule ids come from the peer's name and the port, and repeats are no-ops
 * (SecurityGroup.allowIngress/allowEgress), so the call order never renames a Terraform resource.
 */
import type { Peer } from "./security-group";

/** A group rules can be added to: a SecurityGroup of this stack, or an imported (unmanaged) one. */
export interface ISecurityGroup {
  readonly securityGroupId: string;
  allowIngress(peer: Peer, port: number, description: string): void;
  allowEgress(peer: Peer, port: number, description: string): void;
}

/** Anything with a security group: a tier's construct exposes its group's connections. */
export interface IConnectable {
  readonly connections: Connections;
}

export interface ConnectionsOptions {
  readonly peerName: string;
  readonly peerDescription?: string;
  readonly defaultPorts?: readonly number[];
  readonly portLabels?: Readonly<Record<number, string>>;
}

export class Connections implements IConnectable {
  public readonly connections = this;
  /** Name in peer rule ids: `from-<peerName>-<port>` on the other group. */
  public readonly peerName: string;
  /** "the ALB", "Redis": used in the other group's rule descriptions. */
  public readonly peerDescription: string;
  /** Ports `allowTo(this)` opens when none are given (the service's listening ports). */
  public readonly defaultPorts: readonly number[];
  private readonly portLabels: Readonly<Record<number, string>>;

  constructor(
    public readonly securityGroup: ISecurityGroup,
    options: ConnectionsOptions,
  ) {
    this.peerName = options.peerName;
    this.peerDescription = options.peerDescription ?? options.peerName;
    this.defaultPorts = options.defaultPorts ?? [];
    this.portLabels = options.portLabels ?? {};
  }

  /**
   * Lets this group open TCP connections to `other` on `ports` (default: other's defaultPorts): egress
   * here, ingress there. Idempotent.
   */
  public allowTo(other: IConnectable, ports: readonly number[] = other.connections.defaultPorts): void {
    const to = other.connections;
    if (ports.length === 0)
      throw new Error(`Connections ${this.peerName} -> ${to.peerName}: no ports given and none by default`);
    for (const port of ports) {
      const label = to.portLabels[port] ?? `${port}/tcp`;
      this.securityGroup.allowEgress(
        { securityGroupId: to.securityGroup.securityGroupId, name: to.peerName },
        port,
        `${label} to ${to.peerDescription}`,
      );
      to.securityGroup.allowIngress(
        { securityGroupId: this.securityGroup.securityGroupId, name: this.peerName },
        port,
        `${label} from ${this.peerDescription}`,
      );
    }
  }

  /** `other.connections.allowTo(this, ports)`: admits `other` on `ports` (default: this group's defaultPorts). */
  public allowFrom(other: IConnectable, ports: readonly number[] = this.defaultPorts): void {
    other.connections.allowTo(this, ports);
  }
}

/**
 * A security group managed elsewhere (another stack, another team), as a peer: rules naming it are
 * written on this stack's side only; its own side is not touched (CDK's `mutable: false` import).
 */
export function importedSecurityGroup(securityGroupId: string, options: ConnectionsOptions): IConnectable {
  const noRule = () => undefined;
  return new Connections({ securityGroupId, allowIngress: noRule, allowEgress: noRule }, options);
}
