"""iacbench: an evaluation harness for LLM-generated Terraform."""

__version__ = "0.1.0"
