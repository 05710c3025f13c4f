"""PyTorch networks behind halftime's neural forecasters.

Each network lives in one module that reads top to bottom: its frozen config, its
blocks, then the model. The forecasters in :mod:`halftime.forecasters` wrap them with
scaling, training and saving; nothing here knows about games or files.
"""
