"""Generated client packages, one per provider. Never edited by hand: run `make generate`."""
