"""Partnerships: partner organisations and what is shared with them, signed case referrals,
keyed-hash identifier matching, HTCDS v2.0 export and k-anonymous aggregate statistics."""
