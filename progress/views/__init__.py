"""The progress app's pages, one module per resource."""
