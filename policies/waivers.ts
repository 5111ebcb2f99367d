import type { Waiver } from "./engine";

/**
 * Every place the project deliberately breaks a rule, with why. A waiver matches construct paths
 * (e.g. "prod/storage/logs/..."), so it covers exactly the resources named.
 */
export const WAIVERS: Waiver[] = [
  {
    ruleId: "CKV_AWS_338",
    path: /.*/,
    reason:
      "The seed requires 30-day log retention (Monitoring & Logging: 'Log retention: 30 days'); longer-term audit data lives in S3.",
  },
];
