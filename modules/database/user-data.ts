/**
 * The Qdrant host's boot configuration: a shell script (EC2 user data, run once by cloud-init on the
 * first boot of each instance) rendered from typed inputs. It carries names and ARNs only, never a
 * secret: the API key is read from Secrets Manager by the instance role every time Qdrant starts.
 *
 * The result is a Terraform string: inputs may be cdktf tokens (resolved at apply time), so the script
 * itself never contains "${" (Terraform interpolation) except the escaped "$${" that Terraform turns
 * into a literal "${" (used once, by the CloudWatch agent's own placeholder).
 */
import { REGION } from "../../lib/naming";
import { QDRANT_P2P_PORT, type QdrantClusterSettings } from "./cluster";

/** Where the data volume is mounted on the host. */
export const QDRANT_DATA_MOUNT = "/var/lib/qdrant";
/** Filesystem the data volume is formatted with (only when it is blank). */
export const QDRANT_DATA_FSTYPE = "xfs";
/** Qdrant REST and gRPC ports. */
export const QDRANT_HTTP_PORT = 6333;
export const QDRANT_GRPC_PORT = 6334;

/**
 * What the CloudWatch agent on the Qdrant host emits, for alarms (the monitoring module): namespace,
 * metric names and the exact dimension set of each metric.
 */
export const QDRANT_HOST_METRICS = {
  namespace: "CWAgent",
  memory: { metricName: "mem_used_percent", dimensions: ["InstanceId"] },
  disk: {
    metricName: "disk_used_percent",
    /** path = QDRANT_DATA_MOUNT, fstype = QDRANT_DATA_FSTYPE (the device dimension is dropped). */
    dimensions: ["InstanceId", "path", "fstype"],
  },
} as const;

export interface QdrantUserDataProps {
  /** EBS volume id of the data volume (vol-...), to find its NVMe device by serial number. */
  readonly dataVolumeId: string;
  /** Qdrant release tag, e.g. "v1.19.0"; the image is qdrant/qdrant:<tag>-unprivileged (arm64). */
  readonly qdrantVersion: string;
  /** ARN of the Secrets Manager secret holding the API key (read at every start, never written here). */
  readonly apiKeySecretArn: string;
  /** CloudWatch log group that receives the Qdrant container's logs (docker awslogs driver). */
  readonly logGroupName: string;
  /** Snapshot destination: S3 bucket name and key prefix (no leading or trailing slash). */
  readonly snapshotBucketName: string;
  readonly snapshotPrefix: string;
  /** Daily Qdrant snapshot time, UTC "HH:MM". */
  readonly snapshotTimeUtc: string;
  /** Days S3 snapshot copies are kept; older ones are deleted by the snapshot job. */
  readonly snapshotRetentionDays: number;
  /**
   * Distributed mode: this node's index, every node's private DNS name (node 0 first), and the collection
   * defaults `qdrant-create-collection` applies. @default one node
   */
  readonly cluster?: {
    readonly nodeIndex: number;
    readonly nodeHostnames: readonly string[];
    readonly collectionDefaults: QdrantClusterSettings;
  };
}

/** UID/GID the `-unprivileged` Qdrant image runs as (qdrant Dockerfile: USER_ID=1000). */
const QDRANT_UID = 1000;
/** Terraform renders "$${" as a literal "${". */
const LITERAL_DOLLAR_BRACE = "$${";

/** The image reference the host pulls: the pinned release, arm64, unprivileged variant. */
export function qdrantImage(qdrantVersion: string): string {
  return `qdrant/qdrant:${qdrantVersion}-unprivileged`;
}

/** Renders the user-data shell script. */
export function renderQdrantUserData(p: QdrantUserDataProps): string {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(p.snapshotTimeUtc))
    throw new Error(`Qdrant user data: snapshotTimeUtc = "${p.snapshotTimeUtc}": must be "HH:MM" (UTC)`);
  if (p.snapshotPrefix.startsWith("/") || p.snapshotPrefix.endsWith("/"))
    throw new Error(`Qdrant user data: snapshotPrefix = "${p.snapshotPrefix}": no leading or trailing "/"`);
  const image = qdrantImage(p.qdrantVersion);
  const cwAgentConfig = JSON.stringify({
    agent: { metrics_collection_interval: 60, run_as_user: "cwagent" },
    metrics: {
      namespace: QDRANT_HOST_METRICS.namespace,
      append_dimensions: { InstanceId: `${LITERAL_DOLLAR_BRACE}aws:InstanceId}` },
      metrics_collected: {
        mem: { measurement: ["mem_used_percent"] },
        disk: {
          measurement: ["used_percent"],
          resources: [QDRANT_DATA_MOUNT],
          drop_device: true,
        },
      },
    },
  });

  return `#!/bin/bash
# Qdrant host bootstrap (rendered by modules/database/user-data.ts). Runs once per instance.
set -euo pipefail
exec > >(tee -a /var/log/qdrant-bootstrap.log) 2>&1

DATA_VOLUME_ID='${p.dataVolumeId}'
DATA_MOUNT='${QDRANT_DATA_MOUNT}'

# The NAT route may still be coming up on a first apply: retry network steps for about 8 minutes.
retry() { local n=0; until "$@"; do n=$((n + 1)); [ "$n" -ge 20 ] && return 1; sleep $((n < 5 ? n * 6 : 30)); done; }

retry dnf install -y docker jq amazon-cloudwatch-agent
systemctl enable --now docker

# --- Data volume --------------------------------------------------------------------------------
# Nitro instances expose EBS volumes as NVMe devices in any order; the volume id (without its dash)
# is the device's serial number. Terraform attaches the volume after the instance starts: wait for it.
serial=$(echo "$DATA_VOLUME_ID" | sed 's/-//')
device=""
for _ in $(seq 1 120); do
  device=$(lsblk -dnpo NAME,SERIAL | awk -v s="$serial" '$2 == s { print $1 }')
  [ -n "$device" ] && break
  sleep 5
done
[ -n "$device" ] || { echo "data volume $DATA_VOLUME_ID not attached after 10 minutes" >&2; exit 1; }

# Format only a blank device: blkid -p exits 2 when it finds no signature; any other failure stops here.
set +e
blkid -p "$device" >/dev/null 2>&1
probe=$?
set -e
if [ "$probe" -eq 2 ]; then
  mkfs -t ${QDRANT_DATA_FSTYPE} -L qdrant-data "$device"
elif [ "$probe" -ne 0 ]; then
  echo "blkid could not probe $device (exit $probe): not formatting" >&2
  exit 1
fi

# Mount by UUID, idempotently; nofail keeps the host bootable if the volume is ever missing, and the
# Qdrant unit requires the mount, so it never writes to the root volume.
uuid=$(blkid -s UUID -o value "$device")
mkdir -p "$DATA_MOUNT"
grep -q "UUID=$uuid " /etc/fstab || echo "UUID=$uuid $DATA_MOUNT ${QDRANT_DATA_FSTYPE} defaults,nofail,noatime 0 2" >> /etc/fstab
systemctl daemon-reload
mountpoint -q "$DATA_MOUNT" || mount "$DATA_MOUNT"
mkdir -p "$DATA_MOUNT/storage" "$DATA_MOUNT/snapshots"
chown -R ${QDRANT_UID}:${QDRANT_UID} "$DATA_MOUNT/storage" "$DATA_MOUNT/snapshots"

# --- API key, read from Secrets Manager by the instance role at every start (tmpfs only) ---------
cat > /usr/local/bin/qdrant-fetch-api-key <<'SCRIPT'
#!/bin/bash
set -euo pipefail
umask 077
install -d -m 0700 /run/qdrant
key=$(aws secretsmanager get-secret-value --region ${REGION} --secret-id '${p.apiKeySecretArn}' --query SecretString --output text)
printf 'QDRANT__SERVICE__API_KEY=%s\\n' "$key" > /run/qdrant/qdrant.env
printf 'api-key: %s\\n' "$key" > /run/qdrant/api-key.header
SCRIPT
chmod 0700 /usr/local/bin/qdrant-fetch-api-key

# --- Qdrant ----------------------------------------------------------------------------------------
retry docker pull --platform linux/arm64 '${image}'
${p.cluster ? clusterStart(p, image) : ""}
cat > /etc/systemd/system/qdrant.service <<'UNIT'
[Unit]
Description=Qdrant vector database (${image})
After=docker.service network-online.target
Requires=docker.service
Wants=network-online.target
RequiresMountsFor=${QDRANT_DATA_MOUNT}

[Service]
Restart=always
RestartSec=10
TimeoutStartSec=300
ExecStartPre=/usr/bin/mountpoint -q ${QDRANT_DATA_MOUNT}
ExecStartPre=/usr/local/bin/qdrant-fetch-api-key
ExecStartPre=-/usr/bin/docker rm -f qdrant
${p.cluster ? "ExecStart=/usr/local/bin/qdrant-start\n" : `ExecStart=${dockerRun(p, image)}\n`}ExecStop=/usr/bin/docker stop -t 60 qdrant

[Install]
WantedBy=multi-user.target
UNIT

# --- Daily Qdrant snapshot to S3 (consistent, collection-aware copy next to the EBS backups) -------
cat > /usr/local/bin/qdrant-snapshot-to-s3 <<'SCRIPT'
#!/bin/bash
set -euo pipefail
bucket='${p.snapshotBucketName}'
prefix='${p.snapshotPrefix}${p.cluster ? `/node-${p.cluster.nodeIndex}` : ""}'
api=http://127.0.0.1:${QDRANT_HTTP_PORT}
${p.cluster ? CLUSTER_SNAPSHOT : FULL_SNAPSHOT}cutoff=$(date -u -d '${p.snapshotRetentionDays} days ago' +%Y-%m-%dT%H:%M:%S)
aws s3api list-objects-v2 --region ${REGION} --bucket "$bucket" --prefix "$prefix/" \\
  --query 'Contents[].[Key,LastModified]' --output text |
  while read -r key modified; do
    if [ -n "$key" ] && [ "$key" != None ] && [[ "$modified" < "$cutoff" ]]; then
      aws s3 rm --region ${REGION} --only-show-errors "s3://$bucket/$key"
    fi
  done
SCRIPT
chmod 0700 /usr/local/bin/qdrant-snapshot-to-s3

cat > /etc/systemd/system/qdrant-snapshot.service <<'UNIT'
[Unit]
Description=Qdrant full snapshot to s3://${p.snapshotBucketName}/${p.snapshotPrefix}/
Requires=qdrant.service
After=qdrant.service

[Service]
Type=oneshot
ExecStart=/usr/local/bin/qdrant-snapshot-to-s3
UNIT

cat > /etc/systemd/system/qdrant-snapshot.timer <<'UNIT'
[Unit]
Description=Daily Qdrant snapshot to S3

[Timer]
OnCalendar=*-*-* ${p.snapshotTimeUtc}:00 UTC
Persistent=true

[Install]
WantedBy=timers.target
UNIT

# --- CloudWatch agent: memory and data-volume disk use ---------------------------------------------
cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'JSON'
${cwAgentConfig}
JSON
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \\
  -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json

systemctl daemon-reload
systemctl enable --now qdrant.service qdrant-snapshot.timer
`;
}

/** The `docker run` of Qdrant (the unit's ExecStart; in a cluster, the start script's last command). */
function dockerRun(p: QdrantUserDataProps, image: string, cluster = ""): string {
  return `/usr/bin/docker run --rm --name qdrant --platform linux/arm64 \\
  -p ${QDRANT_HTTP_PORT}:${QDRANT_HTTP_PORT} -p ${QDRANT_GRPC_PORT}:${QDRANT_GRPC_PORT} \\
  --ulimit nofile=65535:65535 \\
  --env-file /run/qdrant/qdrant.env \\
  -e QDRANT__TELEMETRY_DISABLED=true \\
  -e QDRANT__SERVICE__ENABLE_SNAPSHOT_URL_RECOVERY=false \\
  -e QDRANT__SERVICE__ENABLE_CORS=false \\
${cluster}  -v ${QDRANT_DATA_MOUNT}/storage:/qdrant/storage \\
  -v ${QDRANT_DATA_MOUNT}/snapshots:/qdrant/snapshots \\
  --log-driver awslogs --log-opt awslogs-region=${REGION} --log-opt awslogs-group='${p.logGroupName}' \\
  '${image}'`;
}

/** One node: a full storage snapshot (POST /snapshots), uploaded, then deleted from the volume. */
const FULL_SNAPSHOT = `name=$(curl -fsS -X POST -H @/run/qdrant/api-key.header "$api/snapshots?wait=true" | jq -r '.result.name')
aws s3 cp --region ${REGION} --only-show-errors "${QDRANT_DATA_MOUNT}/snapshots/$name" "s3://$bucket/$prefix/$name"
curl -fsS -X DELETE -H @/run/qdrant/api-key.header "$api/snapshots/$name?wait=true" > /dev/null
`;

/**
 * A cluster node: full storage snapshots are single-node only, so every collection is snapshotted on
 * every node (a collection snapshot holds that node's local shards) under <prefix>/node-<i>/<collection>/.
 */
const CLUSTER_SNAPSHOT = `for c in $(curl -fsS -H @/run/qdrant/api-key.header "$api/collections" | jq -r '.result.collections[].name'); do
  name=$(curl -fsS -X POST -H @/run/qdrant/api-key.header "$api/collections/$c/snapshots?wait=true" | jq -r '.result.name')
  aws s3 cp --region ${REGION} --only-show-errors "${QDRANT_DATA_MOUNT}/snapshots/$c/$name" "s3://$bucket/$prefix/$c/$name"
  curl -fsS -X DELETE -H @/run/qdrant/api-key.header "$api/collections/$c/snapshots/$name?wait=true" > /dev/null
done
`;

/**
 * Distributed mode: the start script computes Qdrant's cluster arguments at every start.
 * - Raft state on the volume (raft_state.json): restart as the same peer, --uri only.
 * - Empty volume: join through the first peer that answers on the P2P port (--bootstrap); node 0 founds
 *   the cluster only when no peer answers (the first apply), so a replaced node 0 never starts a second
 *   cluster next to a live one. Other nodes wait for a peer (up to 15 minutes, then systemd retries).
 */
function clusterStart(p: QdrantUserDataProps, image: string): string {
  const { nodeIndex, nodeHostnames, collectionDefaults: d } = p.cluster!;
  const self = `http://${nodeHostnames[nodeIndex]}:${QDRANT_P2P_PORT}`;
  const peers = nodeHostnames.filter((_, i) => i !== nodeIndex).join(" ");
  const clusterEnv = `  -p ${QDRANT_P2P_PORT}:${QDRANT_P2P_PORT} \\
  -e QDRANT__CLUSTER__ENABLED=true \\
  -e QDRANT__CLUSTER__P2P__PORT=${QDRANT_P2P_PORT} \\
`;
  return `
cat > /usr/local/bin/qdrant-cluster-args <<'SCRIPT'
#!/bin/bash
set -euo pipefail
self='${self}'
peers='${peers}'
founder=${nodeIndex === 0}
if [ -s ${QDRANT_DATA_MOUNT}/storage/raft_state.json ]; then echo "--uri $self"; exit 0; fi
for _ in $(seq 1 90); do
  for host in $peers; do
    if timeout 3 bash -c "</dev/tcp/$host/${QDRANT_P2P_PORT}" 2>/dev/null; then
      echo "--bootstrap http://$host:${QDRANT_P2P_PORT} --uri $self"; exit 0
    fi
  done
  if [ "$founder" = true ]; then echo "--uri $self"; exit 0; fi
  sleep 10
done
echo "no peer answered on ${QDRANT_P2P_PORT}: not founding a second cluster" >&2
exit 1
SCRIPT
cat > /usr/local/bin/qdrant-start <<'SCRIPT'
#!/bin/bash
set -euo pipefail
args=$(/usr/local/bin/qdrant-cluster-args)
echo "qdrant cluster arguments: $args"
# $args is unquoted on purpose: it is two or four words.
exec ${dockerRun(p, image, clusterEnv)} ./qdrant $args
SCRIPT
# Collections get the cluster's replication defaults (README "Collections"): sudo qdrant-create-collection ...
cat > /usr/local/bin/qdrant-create-collection <<'SCRIPT'
#!/bin/bash
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: qdrant-create-collection <name> <vector size> [Cosine|Dot|Euclid|Manhattan]" >&2; exit 2; }
distance=Cosine; [ $# -ge 3 ] && distance=$3
body=$(jq -n --argjson size "$2" --arg distance "$distance" \\
  '{vectors: {size: $size, distance: $distance}, shard_number: ${d.shardNumber}, replication_factor: ${d.replicationFactor}, write_consistency_factor: ${d.writeConsistencyFactor}}')
curl -fsS -X PUT -H @/run/qdrant/api-key.header -H 'Content-Type: application/json' \\
  "http://127.0.0.1:${QDRANT_HTTP_PORT}/collections/$1" -d "$body"
echo
curl -fsS -H @/run/qdrant/api-key.header "http://127.0.0.1:${QDRANT_HTTP_PORT}/collections/$1/cluster" | jq .
SCRIPT
chmod 0700 /usr/local/bin/qdrant-cluster-args /usr/local/bin/qdrant-start /usr/local/bin/qdrant-create-collection
`;
}
