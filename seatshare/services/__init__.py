"""Domain operations shared by the API, the HTML pages and the CLI."""
