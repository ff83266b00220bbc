"""The JSON API views and /healthz: thin, one module per resource."""


def includeme(config):
    config.scan(__name__)
