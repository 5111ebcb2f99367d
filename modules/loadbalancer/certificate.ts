import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { REGION } from "../../lib/naming";

/** An ACM certificate ARN in our region (the ALB can only use certificates of its own region). */
export const ACM_CERTIFICATE_ARN = new RegExp(`^arn:aws:acm:${REGION}:\\d{12}:certificate/[0-9a-f-]{36}$`);

export interface ListenerCertificateProps {
  /** The name the certificate covers, e.g. api.air-applied-ai.com. */
  readonly domainName: string;
  /** Route 53 public zone id for DNS validation; with it a new certificate is requested and validated. */
  readonly zoneId?: string;
  /** An existing ISSUED certificate in us-east-2; used as is (no request, no validation). */
  readonly certificateArn?: string;
}

/**
 * The HTTPS listener's certificate: either requested from ACM and DNS-validated in a Route 53 zone, or an
 * existing certificate ARN. `certificateArn` is always safe for a listener: for a requested certificate
 * it is aws_acm_certificate_validation.certificate_arn, which exists only once ACM has ISSUED the
 * certificate, so the listener never races the validation (UnsupportedCertificate, TPA#41789).
 */
export class ListenerCertificate extends Construct {
  public readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: ListenerCertificateProps) {
    super(scope, id);
    if (!props.zoneId === !props.certificateArn)
      throw new Error(
        "ListenerCertificate: give exactly one of zoneId (DNS-validated certificate) or certificateArn (existing certificate)",
      );
    if (props.certificateArn !== undefined) {
      if (!Token.isUnresolved(props.certificateArn) && !ACM_CERTIFICATE_ARN.test(props.certificateArn))
        throw new Error(
          `ListenerCertificate: certificateArn = "${props.certificateArn}": must be an ACM certificate ARN in ${REGION} (arn:aws:acm:${REGION}:<account>:certificate/<id>)`,
        );
      this.certificateArn = props.certificateArn;
      return;
    }

    const certificate = new AcmCertificate(this, "certificate", {
      domainName: props.domainName,
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      tags: { Name: props.domainName },
      // A replacement certificate must be attached before the old one can be deleted.
      lifecycle: { createBeforeDestroy: true },
    });
    // One record per domain_validation_options entry, keyed by domain name (known at plan time).
    const options = TerraformIterator.fromComplexList(certificate.domainValidationOptions, "domain_name");
    const records = new Route53Record(this, "validation-record", {
      forEach: options,
      zoneId: props.zoneId!,
      name: options.getString("resource_record_name"),
      type: options.getString("resource_record_type"),
      records: [options.getString("resource_record_value")],
      ttl: 60,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, "validation", {
      certificateArn: certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(records).pluckProperty("fqdn")),
    });
    this.certificateArn = validation.certificateArn;
  }
}
