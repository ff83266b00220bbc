"""The OAuth 2.0 authorization server (section 2 of the API contract)."""


def includeme(config):
    config.scan(__name__)
