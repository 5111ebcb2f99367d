// No provider imports here: the config schema (environments/schema.ts) reads this, and a config error
// answers before cdktf and the provider bindings load.

/** CloudWatch Logs accepts only these retention values (days); the config schema offers exactly these. */
export const CLOUDWATCH_RETENTION_VALUES = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
