"""The rota: on-call shifts, rotations, covers, swaps, leave, gaps and alerts, feeds."""
