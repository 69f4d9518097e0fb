-- wrk script: POST a pod-bound TokenRequest for service account default/bench and pod bench-0.
-- Environment: ADMIN_TOKEN (from <data-dir>/kubeconfig).
-- wrk -t1 -c32 -d10s --latency -s bench/wrk/tokenrequest.lua http://127.0.0.1:PORT/api/v1/namespaces/default/serviceaccounts/bench/token
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ADMIN_TOKEN")
wrk.body = '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"boundObjectRef":{"apiVersion":"v1","kind":"Pod","name":"bench-0"}}}'
