"""gunicorn's settings for the portal's web process (`gunicorn -c python:config.gunicorn ...`).

The access log names the path only: a query string carries what people search for (a consumer's name in the
header search, the Book of Business or the queue), and the Referer would repeat it, so neither is written."""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
