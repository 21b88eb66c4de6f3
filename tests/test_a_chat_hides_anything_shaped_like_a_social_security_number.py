"""Nothing shaped like a Social Security number is kept or shown from a chat: masked before it is stored, so the
service center, the transcript and the audit never see it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.masking import MASK, has_ssn, mask_ssns
from servicecenter import services
from servicecenter.models import ChatMessage

from .chat_support import OPEN, chat_member
from .factories import agency_with_manager, agent_in

SEPARATORS = st.sampled_from(["", "-", " ", ".", " - ", "/", "\u2013", "  "])


@given(
    area=st.integers(0, 999), group=st.integers(0, 99), serial=st.integers(0, 9999),
    first=SEPARATORS, second=SEPARATORS, before=st.text(max_size=20), after=st.text(max_size=20),
)  # fmt: skip
@settings(max_examples=300, deadline=None)
def test_any_ssn_shape_anywhere_in_a_message_is_masked(area, group, serial, first, second, before, after):
    number = f"{area:03d}{first}{group:02d}{second}{serial:04d}"
    # Text around it is taken as it comes; a digit right beside it makes a longer number, which is no SSN's shape.
    before = before.rstrip("0123456789") + " "
    after = " " + after.lstrip("0123456789")
    masked = mask_ssns(before + number + after)
    assert number not in masked or not has_ssn(number)
    assert MASK in masked
    assert not has_ssn(masked)


@pytest.mark.parametrize(
    "hidden",
    ["１２３－４５－６７８９", "123\u200b45\u200b6789", "123\u00ad45\u00ad6789", "123    45    6789", "123,45,6789",
     "123*45*6789", "123•45•6789", "(123) 45 6789", "①②③-④⑤-⑥⑦⑧⑨", "123\u206045\u20606789"],
)  # fmt: skip
def test_an_ssn_written_to_slip_past_the_mask_is_masked_too(hidden):
    assert MASK in mask_ssns(f"it is {hidden} ok")
    assert not has_ssn(mask_ssns(f"it is {hidden} ok"))


@pytest.mark.parametrize("kept", ["(916) 555-0134", "Case 2026-0001234", "license 0A12345", "$1,234.56", "10:30"])
def test_a_phone_number_a_case_number_or_a_license_is_left_as_it_is(kept):
    assert mask_ssns(f"call me at {kept}") == f"call me at {kept}"


@pytest.mark.django_db
@pytest.mark.frozen_at(OPEN)
def test_a_typed_ssn_is_never_stored_nor_in_the_transcript():
    agency, _manager = agency_with_manager()
    person = agent_in(agency).user
    chat = services.open_chat(person=person, language="en")
    member = chat_member()
    services.take(conversation_id=chat.pk, member=member)
    services.write(conversation_id=chat.pk, author=person, side="person", body="My client's SSN is 123-45-6789.",
                   client_id=None)  # fmt: skip
    services.write(conversation_id=chat.pk, author=member, side="staff", body="Please don't: 123 45 6789 is hidden.",
                   client_id=None)  # fmt: skip
    services.close(conversation=chat, by=member)
    bodies = list(ChatMessage.objects.filter(conversation=chat).values_list("body", flat=True))
    assert not any("6789" in body for body in bodies)
    assert f"My client's SSN is {MASK}." in bodies
    from portal.models import MailboxMessage

    transcript = MailboxMessage.objects.get(recipient=person)
    assert "6789" not in transcript.shown_body and MASK in transcript.shown_body
