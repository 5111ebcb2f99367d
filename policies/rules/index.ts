import type { Rule } from "../engine";
import { albRules } from "./alb";
import { ec2Rules } from "./ec2";
import { ecrRules } from "./ecr";
import { ecsRules } from "./ecs";
import { elasticacheRules } from "./elasticache";
import { iamRules } from "./iam";
import { kmsRules } from "./kms";
import { logRules } from "./logs";
import { monitoringRules } from "./monitoring";
import { networkingRules } from "./networking";
import { oidcRules } from "./oidc";
import { secretsRules } from "./secrets";
import { s3Rules } from "./s3";
import { securityGroupRules } from "./security-groups";
import { sqsRules } from "./sqs";
import { terraformRules } from "./terraform";
import { wafRules } from "./waf";

/** Every rule of the policy pack. Add a module's rules file here. */
export const RULES: Rule[] = [
  ...terraformRules,
  ...networkingRules,
  ...securityGroupRules,
  ...kmsRules,
  ...logRules,
  ...monitoringRules,
  ...iamRules,
  ...oidcRules,
  ...ec2Rules,
  ...albRules,
  ...wafRules,
  ...elasticacheRules,
  ...secretsRules,
  ...s3Rules,
  ...sqsRules,
  ...ecsRules,
  ...ecrRules,
];
