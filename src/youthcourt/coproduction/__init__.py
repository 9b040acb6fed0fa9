"""The program's co-production self-assessment: the six questions of the New Economics Foundation,
scored once a period, with the evidence the app already holds beside each."""
