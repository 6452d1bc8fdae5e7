"""One adapter module per provider; `conferencing._registry` lists them.

Adding a provider: write ``providers/<name>.py`` defining ``ADAPTER`` (a `ProviderAdapter`,
usually an `HttpAdapter` of about thirty lines) and add one line to the registry.
"""
