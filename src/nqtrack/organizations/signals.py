"""Signals of the organization tree, for apps that keep counts over it."""

from django.dispatch import Signal

# Sent inside organization_move's transaction, after the subtree's paths were rewritten:
# organization (moved, with its new path), old_path.
subtree_moved = Signal()
