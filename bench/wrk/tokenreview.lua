-- wrk script: POST a TokenReview of one token again and again (every review after the first is a
-- cache hit). Environment: ADMIN_TOKEN (from <data-dir>/kubeconfig), TOKEN (the token to review).
-- wrk -t1 -c32 -d10s --latency -s bench/wrk/tokenreview.lua http://127.0.0.1:PORT/apis/authentication.k8s.io/v1/tokenreviews
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ADMIN_TOKEN")
wrk.body = '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"' .. os.getenv("TOKEN") .. '"}}'
