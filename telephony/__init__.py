"""Twilio's side: webhook endpoints, signature checks, TwiML, a local call simulator."""
