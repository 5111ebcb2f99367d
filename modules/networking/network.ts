/** What the tiers need from the network (the cdktf version of CDK's `vpc: IVpc`); Networking implements it. */
export interface INetwork {
  readonly vpcId: string;
  /** Public subnet ids, in AZ order. */
  readonly publicSubnetIds: readonly string[];
  /** Private subnet ids, in AZ order. */
  readonly privateSubnetIds: readonly string[];
  /** The AZ of subnet i of either tier. */
  readonly availabilityZones: readonly string[];
  /** Managed prefix list of the S3 gateway endpoint (security-group egress to S3). @default none */
  readonly s3PrefixListId?: string;
}
