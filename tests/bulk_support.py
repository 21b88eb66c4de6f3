"""Acting on chosen rows as a person does: review what will happen, then confirm exactly that."""

TRANSFER = "/book/chosen/transfer/"
GIVE = "/agency/delegations/chosen/give/"


def review(client, url, data):
    return client.post(url, data)


def review_and_confirm(client, url, data, **follow):
    """Post the choice, read the count and agent the review names, and confirm them."""
    shown = client.post(url, data)
    assert shown.status_code == 200, shown.content.decode()[:2000]
    seen = shown.context["review"]
    confirm = {
        **data,
        "step": "confirm",
        "expected": seen.moving,
        "expected_ids": seen.fingerprint,
        "expected_agent": seen.to_agent.pk,
    }
    return client.post(url, confirm, **follow)
