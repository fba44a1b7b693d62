#!/usr/bin/env python3
"""The Kubernetes objects t1020's stand-in starts with (tests/e2e/kube_standin.py --seed):
per cluster, the Deployment kaldrix/web and the HPA kaldrix/api, complete as an API server
returns them. Usage: kube_seed.py > seed.json"""
import json


def deployment(cluster, replicas):
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "kaldrix", "uid": "uid-web-" + cluster,
                     "resourceVersion": "1000", "generation": 3,
                     "creationTimestamp": "2026-01-01T00:00:00Z",
                     "labels": {"app": "web"}, "annotations": {"deployment.kubernetes.io/revision": "3"}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "strategy": {"type": "RollingUpdate",
                              "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "kaldrix/web:2.3.0",
                                                       "ports": [{"containerPort": 8080}]}]}}},
        "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas,
                   "updatedReplicas": replicas, "observedGeneration": 3},
    }


def hpa(cluster, lo, hi):
    return {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "api", "namespace": "kaldrix", "uid": "uid-api-" + cluster,
                     "resourceVersion": "2000", "generation": 1,
                     "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
                 "minReplicas": lo, "maxReplicas": hi,
                 "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                     "type": "Utilization", "averageUtilization": 60}}}]},
        "status": {"currentReplicas": lo, "desiredReplicas": lo},
    }


world = {
    "kaldrix-us-east-1": {"deployments": {"kaldrix/web": deployment("east", 8)},
                          "hpas": {"kaldrix/api": hpa("east", 8, 24)}},
    "kaldrix-us-west-2": {"deployments": {"kaldrix/web": deployment("west", 2)},
                          "hpas": {"kaldrix/api": hpa("west", 2, 6)}},
}
print(json.dumps(world, indent=1, sort_keys=True))
