"""Notice and action: public reports (DSA article 16), triage, moderators' decisions with
statements of reasons (article 17), article 18 notifications, complaints (article 20),
trusted flaggers (article 22) and referral to partner organisations."""
