"""One module per Stripe resource: a ``StoreState`` mixin holding its behaviour and a ``ROUTES``
table mapping its API paths to views.

Adding a resource: write ``resources/<name>.py`` with both, add its collection (and id prefix)
to ``common.py``, mix the class into ``store.Store`` and list the module in
``server.RESOURCE_MODULES``.  Take object shapes from Stripe's published fixtures.
"""
