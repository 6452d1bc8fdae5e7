"""The handwritten facade over the generated clients (see issue 5)."""
