-- wrk script for the baselines (the express JSON POST and plain node:http servers of
-- bench/lib/processes.ts, path /echo): the same body a TokenReview sends. Environment: TOKEN.
-- wrk -t1 -c32 -d10s --latency -s bench/wrk/echo.lua http://127.0.0.1:PORT/echo
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"' .. (os.getenv("TOKEN") or "x") .. '"}}'
