import type { PolicyStatement } from "../../../lib/iam";
import { PROJECT, REGION } from "../../../lib/naming";
import type { DeployContext } from "./context";

/** Network tier and edge: VPC and EC2 (subnets, NAT, security groups, endpoints, the Qdrant instance), load balancers, certificates, DNS and WAF. */
export function networkStatements({ arn }: DeployContext): PolicyStatement[] {
  return [
    {
      sid: "Ec2NetworkingAndInstances",
      actions: [
        "ec2:Create*",
        "ec2:Delete*",
        "ec2:Modify*",
        "ec2:Associate*",
        "ec2:Disassociate*",
        "ec2:Attach*",
        "ec2:Detach*",
        "ec2:AllocateAddress",
        "ec2:ReleaseAddress",
        "ec2:Replace*",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
        "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
        "ec2:RunInstances",
        "ec2:StartInstances",
        "ec2:StopInstances",
        "ec2:TerminateInstances",
      ],
      resources: [arn("ec2", "*"), `arn:aws:ec2:${REGION}::image/*`, `arn:aws:ec2:${REGION}::snapshot/*`],
    },
    {
      sid: "CreateTaggedKeysAndCertificates",
      actions: ["kms:CreateKey", "acm:RequestCertificate"],
      resources: ["*"],
      conditions: { StringEquals: { "aws:RequestTag/Project": PROJECT } },
    },
    { sid: "CreateHostedZones", actions: ["route53:CreateHostedZone"], resources: ["*"] },
    {
      sid: "LoadBalancing",
      actions: [
        "elasticloadbalancing:Create*",
        "elasticloadbalancing:Delete*",
        "elasticloadbalancing:Modify*",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:SetWebAcl",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
      ],
      resources: [arn("elasticloadbalancing", "*")],
    },
    {
      sid: "Certificates",
      actions: ["acm:DeleteCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate"],
      resources: [arn("acm", "certificate/*")],
    },
    {
      sid: "Dns",
      actions: [
        "route53:ChangeResourceRecordSets",
        "route53:DeleteHostedZone",
        "route53:ChangeTagsForResource",
        "route53:AssociateVPCWithHostedZone",
        "route53:DisassociateVPCFromHostedZone",
      ],
      resources: ["arn:aws:route53:::hostedzone/*"],
    },
    {
      sid: "Waf",
      actions: [
        "wafv2:CreateWebACL",
        "wafv2:UpdateWebACL",
        "wafv2:DeleteWebACL",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "wafv2:PutLoggingConfiguration",
        "wafv2:DeleteLoggingConfiguration",
        "wafv2:TagResource",
        "wafv2:UntagResource",
      ],
      resources: [
        arn("wafv2", "regional/*"),
        `arn:aws:wafv2:${REGION}:*:regional/managedruleset/*`,
        arn("elasticloadbalancing", "loadbalancer/app/*"),
      ],
    },
  ];
}
