"""The Content-Security-Policy every page is sent with: nothing from another origin."""

CSP = "default-src 'self'; style-src 'self'{styles}; frame-ancestors 'none'; form-action 'self'; " \
      "base-uri 'none'; object-src 'none'"
