// No provider imports here: the config schema (environments/schema.ts) reads this, and a config error
// answers before cdktf and the provider bindings load.

/** TLS policies that pass CKV_AWS_103, CKV2_AWS_74 and trivy AWS-0047 (TLS 1.2+ with forward secrecy). */
export const ALB_TLS_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
] as const;
export type AlbTlsPolicy = (typeof ALB_TLS_POLICIES)[number];
