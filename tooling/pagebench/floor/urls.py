import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

ROWS = [
    {
        "case_number": f"{4000000000 + n}",
        "name": f"Consumer {n} Example",
        "county": "Los Angeles",
        "status": "Active",
        "plan": "Silver 70 EPO",
        "net": Decimal("123.45") + n,
        "due": datetime.date(2026, 12, 1) + datetime.timedelta(days=n),
        "agent": f"Agent {n % 7} Example",
    }
    for n in range(50)
]


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


def table(request):
    return render(request, "table.html", {"rows": ROWS, "user": request.user})


urlpatterns = [path("bare/", bare), path("table/", table)]
