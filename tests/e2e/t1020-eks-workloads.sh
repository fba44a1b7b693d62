#!/usr/bin/env bash
# aws/eks's workload actions against a local stand-in of EKS and the Kubernetes API
# (tests/e2e/kube_standin.py: DescribeCluster over http, the API server over https with its
# own CA, which kdx may only learn from DescribeCluster -- AWS_CA_BUNDLE is unset). The
# stand-in refuses any request whose token is not an EKS token (prefix, base64url of a
# presigned STS GetCallerIdentity URL, 60 s expiry, x-k8s-aws-id signed, signature
# reproduced by botocore). Apply scales west's Deployment (scale subresource PUT with its
# resourceVersion) and raises west's HPA floor (merge patch); the stand-in's full objects
# are compared before, after the apply and after `kdx rollback`. A dry run sends no
# write; a count above max_replicas fails before anything is sent; the token never shows.
# identical-world: stdlib-standin-eks.kdx
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import botocore' 2>/dev/null || skip "botocore not installed"
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
make_certs
python3 "$RB/kube_seed.py" >seed.json
EKS_PORT=$(free_port)
KUBE_PORT=$(free_port)
python3 "$KDX_REPO/tests/e2e/kube_standin.py" --eks-port "$EKS_PORT" --kube-port "$KUBE_PORT" \
	--tls good.pem good.key --ca ca.pem --seed seed.json --state state.json --log kube.log \
	--ready ready >standin.out 2>&1 &
track_pid $!
for _ in $(seq 1 100); do [ -f ready ] && break; sleep 0.1; done
[ -f ready ] || fail "the stand-in did not start: $(cat standin.out)"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_EKS="http://127.0.0.1:$EKS_PORT"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CA_BUNDLE AWS_ENDPOINT_URL
export AWS_SHARED_CREDENTIALS_FILE="$E2E_TMP/none" AWS_CONFIG_FILE="$E2E_TMP/none"
cp "$RB/stdlib-standin-eks.kdx" .
cp state.json before.json

# objects.py A B: "cluster/kind/key: differing top-level paths" for each object that differs
cat >diff.py <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
def paths(x, y, p=""):
    if isinstance(x, dict) and isinstance(y, dict):
        return [q for k in sorted(set(x) | set(y)) for q in paths(x.get(k), y.get(k), p + "." + k)]
    return [] if x == y else [p[1:]]
print(" ".join(paths(a, b)))
PY

# a dry run reads live state and sends no write
"$KDX" apply -dry-run -var check_ready=false stdlib-standin-eks.kdx >dry.out 2>&1 || fail "dry run: $(cat dry.out)"
assert_contains "$(cat dry.out)" "PUT https://127.0.0.1:$KUBE_PORT/apis/apps/v1/namespaces/kaldrix/deployments/web/scale"
assert_contains "$(cat dry.out)" "Authorization: <redacted>"
assert_eq "$(python3 diff.py before.json state.json)" "" "the objects after the dry run"
grep -q "^PUT\|^PATCH" kube.log && fail "the dry run sent a write: $(cat kube.log)"

"$KDX" apply -auto-approve stdlib-standin-eks.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out) $(cat kube.log)"
assert_contains "$(cat apply.out)" "run ok"
grep -q "REFUSED" kube.log && fail "the stand-in refused a token: $(grep REFUSED kube.log)"
grep -q "^GET /apis/apps/v1/namespaces/kaldrix/deployments/web/scale token=ok kaldrix-us-west-2" kube.log ||
	fail "no authenticated read of west's scale: $(cat kube.log)"
grep -q "^EKS GET /clusters/kaldrix-us-west-2 signed=True" kube.log || fail "no signed DescribeCluster"
cp state.json after.json
assert_eq "$(python3 diff.py before.json after.json)" \
	"kaldrix-us-west-2.deployments.kaldrix/web.metadata.generation kaldrix-us-west-2.deployments.kaldrix/web.metadata.resourceVersion kaldrix-us-west-2.deployments.kaldrix/web.spec.replicas kaldrix-us-west-2.deployments.kaldrix/web.status.availableReplicas kaldrix-us-west-2.deployments.kaldrix/web.status.observedGeneration kaldrix-us-west-2.deployments.kaldrix/web.status.readyReplicas kaldrix-us-west-2.deployments.kaldrix/web.status.replicas kaldrix-us-west-2.deployments.kaldrix/web.status.updatedReplicas kaldrix-us-west-2.hpas.kaldrix/api.metadata.generation kaldrix-us-west-2.hpas.kaldrix/api.metadata.resourceVersion kaldrix-us-west-2.hpas.kaldrix/api.spec.maxReplicas kaldrix-us-west-2.hpas.kaldrix/api.spec.minReplicas" \
	"what the apply changed"
assert_eq "$(python3 -c 'import json; w=json.load(open("after.json"))["kaldrix-us-west-2"]; print(w["deployments"]["kaldrix/web"]["spec"]["replicas"], w["hpas"]["kaldrix/api"]["spec"]["minReplicas"], w["hpas"]["kaldrix/api"]["spec"]["maxReplicas"])')" \
	"8 8 24" "west's replicas and HPA limits after the apply"
grep -q "^PATCH /apis/autoscaling/v2/namespaces/kaldrix/horizontalpodautoscalers/api token=ok kaldrix-us-west-2" kube.log ||
	fail "the HPA was not patched: $(cat kube.log)"

"$KDX" rollback stdlib-standin-eks.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out) $(cat kube.log)"
assert_contains "$(cat rb.out)" "rolled_back"
cp state.json back.json
# back as before but for what the server keeps counting (generation, resourceVersion) and
# the status its controller derived
assert_eq "$(python3 diff.py before.json back.json)" \
	"kaldrix-us-west-2.deployments.kaldrix/web.metadata.generation kaldrix-us-west-2.deployments.kaldrix/web.metadata.resourceVersion kaldrix-us-west-2.deployments.kaldrix/web.status.observedGeneration kaldrix-us-west-2.hpas.kaldrix/api.metadata.generation kaldrix-us-west-2.hpas.kaldrix/api.metadata.resourceVersion" \
	"the objects after the rollback"

# more replicas than max_replicas: the step fails before anything is written
: >kube.log
"$KDX" apply -auto-approve -var web_count=40 stdlib-standin-eks.kdx >big.out 2>&1 && fail "40 replicas were accepted: $(cat big.out)"
assert_contains "$(cat big.out)" "would need 40 replicas, more than its max_replicas 16"
grep -q "^PUT" kube.log && fail "a PUT was sent for 40 replicas: $(cat kube.log)"

# no token anywhere kdx writes
for f in dry.out apply.out rb.out big.out; do
	grep -q "k8s-aws-v1" "$f" && fail "$f holds a token"
done
if grep -rq "k8s-aws-v1" .kdx; then fail "the run store holds a token"; fi
echo ok
