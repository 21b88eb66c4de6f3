"""python manage.py cluster_report DIR — "Cluster rehearsal (make cluster-rehearsal)" in BENCHMARKS.md.

Reads the rehearsal's records in DIR (tooling/cluster/report.py says which) and checks, in the database and the
bucket the nodes wrote to, what must have survived: the week's extracts (every one Published, each file in the
bucket whole: its size and SHA-256 those of its row) and the audit log (a row for every audited request the load
test saw succeed). Run by scripts/cluster-rehearsal.sh with the nodes' environment, after the load stopped."""

import datetime
import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Count

from tooling.cluster import report as records
from tooling.management.commands.bench import _replace_section

HEADING = "## Cluster rehearsal (make cluster-rehearsal)"


class Command(BaseCommand):
    help = "Write the cluster rehearsal's figures into BENCHMARKS.md."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--users", type=int, default=20)
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--worker-concurrency", type=int, default=2)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "BENCHMARKS.md"))

    def handle(self, folder, users, web_workers, worker_concurrency, output, **options):
        folder = Path(folder)
        events = records.read_events(folder / "events.txt")
        requests = records.read_requests(folder)
        forwarded = records.read_balancer_log(folder)
        start, end = records.first(events, "load.started"), records.first(events, "load.stopped")
        result = {
            "users": users, "web_workers": web_workers, "worker_concurrency": worker_concurrency,
            "seconds": round(end.at - start.at), "overall": records.tally(requests),
            "baseline": {**records.tally([r for r in requests if r.at < records.first(events, "web1.killed").at]),
                         "sent_to_other_node": sum(f.retries.startswith("+") for f in forwarded
                                                   if f.at < records.first(events, "web1.killed").at)},
            "faults": records.fault_windows(events, requests, forwarded),
            "session": records.read_session(folder, events),
            "sent_to_other_node": sum(f.retries.startswith("+") for f in forwarded),
            "web1_out_of_rotation_s": records.balancer_downtime(folder, "web1"),
            "weekly": self.weekly(folder, events), "audit": self.audit(folder, requests, start.at, end.at),
            "replica": self.replica(folder, events),
            "redis_away_s": round(records.first(events, "redis.started").at - records.first(events, "redis.stopped").at, 2),
            "data": self.data(),
        }  # fmt: skip
        (folder / "summary.json").write_text(json.dumps(result, indent=2, default=str))
        lines = self.section(result)
        _replace_section(Path(output), HEADING, lines)
        self.stdout.write("\n".join(lines))

    def data(self) -> dict:
        """How much the rehearsal ran on (CLUSTER_DEMO chooses it)."""
        from agencies.models import Agency
        from agents.models import Agent
        from consumers.models import ConsumerCase

        return {"agencies": Agency.objects.count(), "agents": Agent.objects.count(),
                "cases": ConsumerCase.objects.count()}  # fmt: skip

    def replica(self, folder: Path, events) -> dict:
        """Whether the nodes read from the replica (its own counters, between events) and what the router said."""

        def delta(since, until, key):
            a, b = records.first(events, since), records.first(events, until)
            try:
                return int(b.facts[key]) - int(a.facts[key])
            except (AttributeError, KeyError, ValueError):
                return None

        said = {"not answering": "The replica is not answering", "failed part-way": "A read on the replica failed",
                "behind": "The replica is behind"}  # fmt: skip
        logs = [p.read_text(errors="replace") for p in sorted(folder.glob("w*.log"))]
        return {
            "configured": "replica" in settings.DATABASES,
            "router": "portal.replica.Router" in settings.DATABASE_ROUTERS,
            "before_stop": {"xacts": delta("nodes.up", "replica.stopped", "replica_xacts"),
                            "rows": delta("nodes.up", "replica.stopped", "replica_rows")},
            "after_restart": {"xacts": delta("replica.caught_up", "weekly.started", "replica_xacts"),
                              "rows": delta("replica.caught_up", "weekly.started", "replica_rows")},
            "weekly": {"xacts": delta("weekly.started", "weekly.done", "replica_xacts"),
                       "rows": delta("weekly.started", "weekly.done", "replica_rows")},
            "router_said": {name: sum(text.count(line) for text in logs) for name, line in said.items()},
        }  # fmt: skip

    # -- what must have survived ------------------------------------------------------------------------------------

    def weekly(self, folder: Path, events) -> dict:
        """The week's extracts after the run: counts by status, and each published file read back from the bucket."""
        import boto3

        from bookofbusiness.models import Extract

        week_text, expected, before = (folder / "week.txt").read_text().split()
        week = datetime.date.fromisoformat(week_text)
        rows = Extract.objects.filter(week=week)
        by_status = dict(rows.values_list("status").annotate(n=Count("id")))
        s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL"),
                          region_name=os.environ.get("AWS_S3_REGION_NAME") or "us-east-1")  # fmt: skip
        bucket = os.environ["AWS_STORAGE_BUCKET_NAME"]
        whole = broken = missing = 0
        names = set()
        for extract in rows.filter(status=Extract.Status.PUBLISHED).iterator():
            names.add(extract.file.name)
            try:
                body = s3.get_object(Bucket=bucket, Key=extract.file.name)["Body"].read()
            except s3.exceptions.NoSuchKey:
                missing += 1
                continue
            if len(body) == extract.size and hashlib.sha256(body).hexdigest() == extract.sha256:
                whole += 1
            else:
                broken += 1
        stored = set()
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"extracts/{week:%Y-%m-%d}/"):
            stored |= {item["Key"] for item in page.get("Contents", [])}
        duplicates = (
            rows.values("scope", "agent", "agency", "kind", "file_format")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )

        def at(name):
            event = records.first(events, name)
            return event

        started, killed, drained = at("weekly.started"), at("worker1.killed"), at("weekly.drained")
        catch_up, done, restarted = at("weekly.catch_up"), at("weekly.done"), at("worker1.started")
        redelivered = at("weekly.redelivered")
        unacked_end = (folder / "unacked.txt").read_text().strip() if (folder / "unacked.txt").exists() else "?"
        return {
            "week": week_text, "expected": int(expected), "published_before": int(before), "rows": rows.count(),
            "by_status": by_status, "whole": whole, "broken": broken, "missing_files": missing,
            "orphan_files": len(stored - names), "duplicates": duplicates,
            "published_at_kill": int(killed.facts.get("published", 0)) if killed else None,
            "kill_after_s": round(killed.at - started.at, 1) if killed and started else None,
            "unacked_at_restart": restarted.facts.get("unacked") if restarted else None,
            "published_after_drain": int(drained.facts.get("published", 0)) if drained else None,
            "unacked_after_drain": drained.facts.get("unacked") if drained else None,
            "visibility": drained.facts.get("visibility") if drained else None,
            "redelivered_s": round(redelivered.at - drained.at, 1) if redelivered and drained else None,
            "published_after_redelivery": int(redelivered.facts.get("published", 0)) if redelivered else None,
            "drain_s": round(drained.at - killed.at, 1) if drained and killed else None,
            "catch_up_s": round(done.at - catch_up.at, 1) if catch_up and done else None,
            "complete_after_kill_s": round(done.at - killed.at, 1) if done and killed else None,
            "total_s": round(done.at - started.at, 1) if done and started else None,
            "unacked_at_end": unacked_end,
        }  # fmt: skip

    def audit(self, folder: Path, requests, start: float, end: float) -> list[dict]:
        """For each audited kind of request: how many the load test saw succeed, and the audit rows of its people."""
        from portal.models import AuditEvent

        people = json.loads((folder / "people.json").read_text())["people"]
        emails = [person["email"] for person in people[:-1]]  # the last is the probe's, which opens nothing audited
        window = {"created_at__gte": datetime.datetime.fromtimestamp(start - 2, datetime.UTC),
                  "created_at__lte": datetime.datetime.fromtimestamp(end + 2, datetime.UTC)}  # fmt: skip
        out = []
        for action, (names, view) in records.AUDITED.items():
            succeeded = sum(1 for r in requests if r.name in names and r.status == 200)
            rows = AuditEvent.objects.filter(action=action, actor__email__in=emails, **window)
            if view:
                rows = rows.filter(details__view=view)
            count = rows.count()
            out.append({"action": action, "requests": sorted(names), "succeeded": succeeded, "rows": count,
                        "missing": max(0, succeeded - count)})  # fmt: skip
        return out

    def redis_away(self, r) -> str:
        return str(r.get("redis_away_s", "?"))

    # -- the section --------------------------------------------------------------------------------------------------

    def section(self, r) -> list[str]:
        o, w, s = r["overall"], r["weekly"], r["session"]
        lines = [
            f"`make cluster-rehearsal` on {datetime.date.today():%Y-%m-%d}, all on this one machine (2 cores): two web "
            f"nodes (gunicorn, {r['web_workers']} sync workers each) and two worker nodes (Celery, concurrency "
            f"{r['worker_concurrency']}), each in a network namespace of its own with its own address on a bridge; "
            "HAProxy in front (health check on /help/ every second, a request that could not connect or a GET cut "
            "before any answer sent to the other node, a POST never twice); PostgreSQL 15 primary and a streaming "
            "replica, Redis with its append-only file (as docker-compose's), moto's S3 server as the object store, "
            f"all on the host. Demo data of {r['data']['agencies']:,} agencies, {r['data']['agents']:,} agents and "
            f"{r['data']['cases']:,} cases (`make run`'s by default; CLUSTER_DEMO). "
            f"{r['users']} load-test people (scripts/locustfile.py: Agency Manager and agents of the largest agency "
            "signed in with the second factor, Book of Business, case pages, roster, CSV exports; consumers on Find "
            f"Local Help) worked for {r['seconds']} s while the faults below came one after the other; one more "
            "signed-in person (the probe) asked for a signed-in page every half second with the one session.",
            "",
            "A request is *answered* (any answer but a 5xx), *cleanly refused* (a 503: the portal's own, with "
            "Retry-After, or the load balancer's when no node could take it) or *failed* (no answer: connection "
            "refused or cut; or another 5xx). Each fault's window runs from the fault to the next one; *back* is when "
            "the service was (node in rotation, Redis answering, replica caught up, the week complete), *last "
            "unanswered* when the last request of the window that was not answered came, both from the fault.",
            "",
            "| fault | requests | answered | cleanly refused | failed (5xx, no answer) | sent to the other node | "
            "page views p95 | back after | last unanswered | sent to sign in |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]

        def ms(value):
            return f"{value:.0f} ms" if value is not None else "–"

        def row(label, t, back="–", last="–"):
            return (f"| {label} | {t['requests']} | {t['answered']} | {t['refused']} | {t['failed']} "
                    f"({t['5xx'] - t['refused']}, {t['connection']}) | {t.get('sent_to_other_node', '–')} | "
                    f"{ms(t['page_p95_ms'])} | {back} | {last} | {t['sign_in_redirects']} |")  # fmt: skip

        lines.append(row("none (before the first fault, sign-in wave included)", r["baseline"]))
        for f in r["faults"]:
            last = f"{f['last_unanswered_s']} s" if f["last_unanswered_s"] is not None else "none"
            back = f"{f['service_back_s']} s" if f["service_back_s"] is not None else "?"
            lines.append(row(f["label"], f, back, last))
        lines.append(row("**whole run**", {**o, "sent_to_other_node": r["sent_to_other_node"]}, "", ""))
        unclean = o["failed"]
        lines += [
            "",
            f"Every request answered or cleanly refused: **{'yes' if unclean == 0 else f'no, {unclean} failed'}** "
            f"({o['4xx']} answered with a 4xx, refusals a person sees as such). web1 was out of the load balancer's "
            f"rotation for {r['web1_out_of_rotation_s']} s; *sent to the other node* counts the requests HAProxy "
            "passed to the other web node after the first could not take them (connection refused or cut before "
            "any answer), which the person never saw. Redis was away for "
            f"{self.redis_away(r)} s; the week's run after it proves the workers found their broker again.",
            "",
            "What was kept:",
            "",
            f"- **Sessions survive a node**: the probe's one session was answered by "
            f"{' and '.join(s.get('nodes_before_kill', [])) or '?'} before web1 was killed, by "
            f"{' and '.join(s.get('during_kill_nodes', [])) or 'none'} while it was away "
            f"({s.get('during_kill_ok')} of {s.get('during_kill')} answered), and by web1 again "
            f"{s.get('web1_after')} times after; {s.get('ok')} of {s.get('requests')} of its requests answered 200, "
            f"**{s.get('signed_out')} sent it to sign in** (Redis restart included: sessions are in PostgreSQL, the "
            f"cache holds their copies). Of the load test's signed-in requests, {o['sign_in_redirects']} were sent to "
            "sign in.",
            f"- **The week's extracts** (week of {w['week']}): {w['expected']} files expected ({w['published_before']} "
            f"published by the demo data before). worker1 was killed {w['kill_after_s']} s into the run with "
            f"{w['published_at_kill']} published; restarted 5 s later. worker2 and the restarted worker1 drained the "
            f"queue in {w['drain_s']} s to {w['published_after_drain']} published; the tasks worker1 held stayed "
            f"unacknowledged in the broker ({w['unacked_after_drain']} messages) until its visibility timeout "
            f"(CELERY_VISIBILITY_TIMEOUT, {w['visibility']} s here, 600 s by default), when Redis gave them to a live "
            "worker: "
            + (f"{w['redelivered_s']} s after the queue drained, {w['published_after_redelivery']} published. "
               if w["redelivered_s"] is not None else "none was left. ")
            + (f"The beat's hourly catch-up (Monday 05:30–12:30), run here at once, finished the week in "
               f"{w['catch_up_s']} s: complete {w['complete_after_kill_s']} s after the kill, {w['total_s']} s after "
               "the start. " if w["catch_up_s"] is not None else "No catch-up was needed. ")
            + f"After: {w['rows']} rows, by status {w['by_status']}; **{w['whole']} files whole** in the bucket (size "
            f"and SHA-256 those of the row), {w['broken']} not, {w['missing_files']} missing; {w['duplicates']} "
            f"duplicated rows; {w['orphan_files']} file(s) in the bucket that no row names (written by the killed "
            "task, never published, so never served).",
            "- **Audit log**: for each audited request the load test saw succeed, the rows of its people in the "
            "window:",
            "",
            "| audited | requests that succeeded (200) | audit rows | missing |",
            "|---|---|---|---|",
        ]  # fmt: skip
        for a in r["audit"]:
            lines.append(f"| `{a['action']}` ({', '.join(a['requests'])}) | {a['succeeded']} | {a['rows']} | "
                         f"{a['missing']} |")  # fmt: skip
        rep = r["replica"]
        said = rep["router_said"]
        if not (rep["configured"] and rep["router"]):
            replica_text = ("The replica: the nodes had no replica configured (DATABASE_REPLICA_URL unset or no "
                            "router), so its stop cost nothing by construction.")  # fmt: skip
        else:
            replica_text = (
                "The replica (portal/replica.py: the weekly extracts, large exports and the Book of Business's counts "
                "read it when it has what they must see): before its stop it answered "
                f"{rep['before_stop']['xacts']} transactions reading {rep['before_stop']['rows']} rows under the "
                f"load; between its restart and the week {rep['after_restart']['xacts']} transactions, "
                f"{rep['after_restart']['rows']} rows; during the week {rep['weekly']['xacts']} transactions, "
                f"{rep['weekly']['rows']} rows (its own counters, pg_stat_database, a few of them the rehearsal's own "
                f"checks). The nodes' logs say the router found it not answering {said['not answering']} times, "
                f"a read failed on it part-way and was run again on the primary {said['failed part-way']} times, "
                f"and it was too far behind {said['behind']} times."
            )
        audit_extra = sum(max(0, a["rows"] - a["succeeded"]) for a in r["audit"])
        lines += [
            "",
            *(
                [
                    f"{audit_extra} audit rows more than successes: requests audited whose 200 the load test did not count "
                    "(a 4xx or an answer cut off after the row was written, a GET written on one node and sent again to "
                    "the other); none is missing.",
                    "",
                ]
                if audit_extra
                else []
            ),  # fmt: skip
            replica_text,
            "",
            "Raw records in `var/cluster-rehearsal/` (events.txt, requests.csv, responses.csv, session.csv, "
            "balancer.csv, summary.json, each node's log).",
        ]
        return lines
