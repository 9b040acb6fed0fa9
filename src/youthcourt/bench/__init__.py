"""``make bench``: the key pages under load, against a bare Litestar page measured in the same run."""
