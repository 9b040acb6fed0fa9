"""The respondent's own page: a youth in sanctions and their family follow the case through a private link."""
