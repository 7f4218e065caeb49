from datetime import timedelta

from django import forms
from django.conf import settings

from newsroom import clock

from .models import MONTHS

# How far ahead a buyer may choose the delivery date: within the gift's claim window.
LATEST_DELIVERY_DAYS = 365


class GiftForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Length",
        choices=[(m, f"{m} month{'s' if m != 1 else ''}") for m in MONTHS],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how many months to give.",
            "invalid_choice": "Choose 1, 3, 6 or 12 months.",
        },
    )
    recipient_email = forms.EmailField(
        label="Their email",
        max_length=254,
        error_messages={
            "required": "Enter the email address to send the gift to.",
            "invalid": "Enter a valid email address to send the gift to, like name@example.com.",
        },
    )
    from_name = forms.CharField(
        label="From (your name, as they will see it)", max_length=100, required=False
    )
    message = forms.CharField(
        label="Message (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    deliver_on = forms.DateField(
        label="Send it on",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Choose the day to send the gift.",
            "invalid": "Enter the date as YYYY-MM-DD.",
        },
    )
    buyer_email = forms.EmailField(
        label="Your email (for the receipt)",
        max_length=254,
        error_messages={
            "required": "Enter your email address for the receipt.",
            "invalid": "Enter a valid email address for your receipt, like name@example.com.",
        },
    )

    def clean_deliver_on(self):
        day = self.cleaned_data["deliver_on"]
        today = clock.localdate()
        if day < today:
            raise forms.ValidationError("Choose today or a later day: that date has passed.")
        latest = today + timedelta(days=min(LATEST_DELIVERY_DAYS, settings.GIFT_CLAIM_DAYS))
        if day > latest:
            raise forms.ValidationError(f"Choose a day before {latest:%d %B %Y}.")
        return day

    def clean_message(self):
        # Plain text, emailed: no control characters beyond line breaks.
        text = self.cleaned_data["message"].replace("\r\n", "\n")
        if any(not (ch.isprintable() or ch == "\n") for ch in text):
            raise forms.ValidationError("The message has characters we cannot send.")
        return text
