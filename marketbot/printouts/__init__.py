"""Printouts: QR codes and printable A4 posters for stalls and markets."""
