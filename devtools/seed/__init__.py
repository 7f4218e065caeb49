"""The demo newsroom: stories (stories.json), hero pictures (heroes.py) and the demo
subscriber's plans and subscription (billing.py), used by ``manage.py seed_demo``."""
