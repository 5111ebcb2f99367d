import type { Rule } from "../engine";
import { iamRules } from "./iam";
import { kmsRules } from "./kms";
import { logRules } from "./logs";
import { networkingRules } from "./networking";
import { securityGroupRules } from "./security-groups";
import { terraformRules } from "./terraform";

/** Every rule of the policy pack. Add a module's rules file here. */
export const RULES: Rule[] = [
  ...terraformRules,
  ...networkingRules,
  ...securityGroupRules,
  ...kmsRules,
  ...logRules,
  ...iamRules,
];
