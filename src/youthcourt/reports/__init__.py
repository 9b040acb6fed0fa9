"""Evaluation: outcome reports, program measures and de-identified exports."""
