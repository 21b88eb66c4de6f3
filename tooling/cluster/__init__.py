"""`make cluster-rehearsal` (scripts/cluster-rehearsal.sh): the portal as a cluster on one machine, faults under load.

- probe: one signed-in person asking for a page every half second through the load balancer (does the session
  survive the node it was on?), and the load balancer's view of each web node, sampled;
- locust_watch: loaded beside scripts/locustfile.py, it records which node answered each request and where a
  redirect pointed (a signed-in person sent back to the sign-in page lost their session);
- report: what each fault cost, read from those records, and what the database and the bucket hold after it
  (manage.py cluster_report writes it into BENCHMARKS.md).
"""
