import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DIAGRAM_END,
  DIAGRAM_START,
  diagramBlock,
  extractDiagramBlock,
  renderDiagram,
  replaceDiagramBlock,
} from "../tools/diagram";
import { synthAll } from "./helpers/synth";

const meta = (path: string) => ({ "//": { metadata: { path } } });

/** A tiny stack: an ALB and a service with security groups, a bucket, a queue and a task role. */
function tinyStack(): Record<string, any> {
  return {
    resource: {
      aws_vpc: { vpc: { ...meta("test/net/vpc"), cidr_block: "10.9.0.0/16" } },
      aws_lb: {
        alb: {
          ...meta("test/edge/alb"),
          name: "tiny-alb",
          internal: false,
          security_groups: ["${aws_security_group.alb_sg.id}"],
        },
      },
      aws_security_group: {
        alb_sg: { ...meta("test/edge/sg/group"), name: "tiny-alb", vpc_id: "${aws_vpc.vpc.id}" },
        svc_sg: { ...meta("test/app/sg/group"), name: "tiny-svc", vpc_id: "${aws_vpc.vpc.id}" },
      },
      aws_vpc_security_group_ingress_rule: {
        https: {
          ...meta("test/edge/sg/ingress-0"),
          security_group_id: "${aws_security_group.alb_sg.id}",
          cidr_ipv4: "0.0.0.0/0",
          ip_protocol: "tcp",
          from_port: 443,
          to_port: 443,
        },
        from_alb: {
          ...meta("test/app/sg/ingress-0"),
          security_group_id: "${aws_security_group.svc_sg.id}",
          referenced_security_group_id: "${aws_security_group.alb_sg.id}",
          ip_protocol: "tcp",
          from_port: 8000,
          to_port: 8000,
        },
      },
      aws_ecs_service: {
        svc: {
          ...meta("test/app/service"),
          name: "tiny-svc",
          task_definition: "${aws_ecs_task_definition.task.arn}",
          network_configuration: { security_groups: ["${aws_security_group.svc_sg.id}"] },
        },
      },
      aws_ecs_task_definition: {
        task: { ...meta("test/app/task"), family: "tiny", task_role_arn: "${aws_iam_role.task.arn}" },
      },
      aws_iam_role: { task: { ...meta("test/app/task-role/role"), name: "tiny-task" } },
      aws_iam_role_policy: {
        task: {
          ...meta("test/app/task-role/policy"),
          role: "${aws_iam_role.task.id}",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "s3:GetObject", Resource: "${aws_s3_bucket.data.arn}/*" },
              { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "${aws_sqs_queue.jobs.arn}" },
              { Effect: "Allow", Action: "kms:Decrypt", Resource: "${aws_kms_key.key.arn}" },
            ],
          }),
        },
      },
      aws_kms_key: { key: { ...meta("test/kms/key"), description: "tiny" } },
      aws_s3_bucket: { data: { ...meta("test/storage/data/bucket"), bucket: "tiny-data" } },
      aws_s3_bucket_versioning: {
        data: { ...meta("test/storage/data/versioning"), bucket: "${aws_s3_bucket.data.id}" },
      },
      aws_sqs_queue: { jobs: { ...meta("test/queue/jobs"), name: "tiny-jobs" } },
      aws_made_up_thing: { x: { ...meta("test/mystery/thing"), size: 1 } },
    },
  };
}

describe("renderDiagram on a hand-made stack", () => {
  const diagram = renderDiagram(tinyStack());

  test("is a Mermaid flowchart with the components in their tiers", () => {
    expect(diagram.startsWith("flowchart LR\n")).toBe(true);
    expect(diagram).toContain('subgraph tier_edge["Edge"]');
    expect(diagram).toContain('edge_alb["Application Load Balancer<br/>tiny-alb<br/>internet-facing"]');
    expect(diagram).toContain('app_service["ECS service<br/>tiny-svc"]');
    expect(diagram).toContain('storage_data_bucket["S3 bucket<br/>tiny-data"]');
    expect(diagram).toContain('queue_jobs["SQS queue<br/>tiny-jobs"]');
  });

  test("security-group rules become traffic edges with ports, attributed to the components using the groups", () => {
    expect(diagram).toContain('internet -->|"443/tcp"| edge_alb');
    expect(diagram).toContain('edge_alb -->|"8000/tcp"| app_service');
  });

  test("IAM grants in the role policy become access edges from the component running with the role", () => {
    expect(diagram).toContain('app_service -.->|"read"| storage_data_bucket');
    expect(diagram).toContain('app_service -.->|"write"| queue_jobs');
    // KMS use is not drawn: nearly everything uses the key.
    expect(diagram).not.toMatch(/-\.->\|[^|]*\| kms_key/);
  });

  test("supporting resources are folded into their component; unknown types form a module node", () => {
    expect(diagram).not.toContain("versioning");
    expect(diagram).not.toContain("task_role");
    expect(diagram).toContain('subgraph tier_other["Other"]');
    expect(diagram).toContain('module_mystery["mystery<br/>1 resource<br/>made_up_thing"]');
  });

  test("is deterministic: the order of the input does not matter", () => {
    const stack = tinyStack();
    const reversed = {
      resource: Object.fromEntries(
        Object.entries(stack.resource)
          .reverse()
          .map(([type, byName]) => [type, Object.fromEntries(Object.entries(byName as object).reverse())]),
      ),
    };
    expect(renderDiagram(reversed)).toBe(diagram);
  });

  test("a rule referencing a group nobody uses still draws no edge to nowhere", () => {
    const stack = tinyStack();
    delete stack.resource.aws_ecs_service;
    const text = renderDiagram(stack);
    expect(text).not.toContain("undefined");
    expect(text).toContain('internet -->|"443/tcp"| edge_alb');
  });
});

describe("diagram block in markdown", () => {
  test("replaceDiagramBlock swaps only the marked block; missing markers throw", () => {
    const doc = `intro\n${DIAGRAM_START}\nold\n${DIAGRAM_END}\noutro\n`;
    const block = diagramBlock(tinyStack(), "tiny.json");
    const updated = replaceDiagramBlock(doc, block);
    expect(updated.startsWith("intro\n")).toBe(true);
    expect(updated.endsWith("\noutro\n")).toBe(true);
    expect(extractDiagramBlock(updated)).toBe(block);
    expect(() => replaceDiagramBlock("no markers", block)).toThrow(/diagram:start/);
  });
});

describe("docs/architecture.md", () => {
  test("the committed diagram matches the synthesized prod stack", () => {
    const markdown = readFileSync(join(__dirname, "..", "docs", "architecture.md"), "utf8");
    const committed = extractDiagramBlock(markdown);
    const expected = diagramBlock(synthAll().prod, "cdktf.out/stacks/prod/cdk.tf.json");
    if (committed !== expected) {
      throw new Error(
        "docs/architecture.md: the architecture diagram is out of date (or its markers are missing). " +
          "Run `npm run diagram` and commit the result.",
      );
    }
  });

  test("the diagram shows every tier the prod stack has today", () => {
    const diagram = renderDiagram(synthAll().prod);
    for (const tier of ["Edge", "Data", "Network", "Observability", "Security"]) {
      expect(diagram).toContain(`["${tier}"]`);
    }
    expect(diagram).toContain("air-applied-ai-raw-data");
    expect(diagram).toContain("air-applied-ai-redis");
  });
});
