"""Subscription plans: their terms as data, their enforcement, and the payment adapter."""
