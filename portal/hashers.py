"""The portal's password hasher: Argon2id at parameters chosen for a web node that checks passwords beside serving
pages, and written down here with what a check costs.

Django's own Argon2 defaults (100 MiB, 2 passes, 8 lanes) take about 0.55 s of both of a two-core node's cores
per check, so a wave of sign-ins stalls every other person's page. These are the first of the configurations the
OWASP Password Storage Cheat Sheet recommends for Argon2id (19 MiB, 2 passes, 1 lane): one core for about 60 ms a
check on this machine kind (`make bench` measures it), the other core free for pages. A password hashed at other
parameters still checks, and is hashed again at these at its next sign-in (Django's `must_update`).
"""

from django.contrib.auth import hashers


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
