"""Email: every message the site sends goes through `emails.backend.EmailBackend`.

- `emails.sending.send_later(...)` queues an email the reader does not wait for (welcome,
  billing, receipts, gifts): it is rendered now, sent by a worker, retried with backoff.
  Sign-in and sign-up codes are sent at once by allauth, through the same backend.
- The backend drops suppressed recipients (bounces, complaints, unsubscribes recorded from the
  provider's signed tracking webhooks: `emails.tracking`), keeps a copy for the demo's outbox
  when EMAIL_OUTBOX is on, then hands the message to the real mailer (console, SMTP or a
  provider through django-anymail), chosen by EMAIL_PROVIDER.
"""
