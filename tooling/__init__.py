"""Tooling apart from the product: demo data (seed_demo), the benchmark (bench), the load test's helpers and
the second-factor code for trying the demo (totp_code). Nothing in the portal imports it."""
