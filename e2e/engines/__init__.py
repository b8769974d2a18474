"""The wizard in every engine customers use: Chromium, Firefox (Gecko) and WebKit.

One small Driver protocol (driver.py) that each engine implements with the tool that drives
its stock Debian build, and page objects over it that name what a person does, so the same
walk runs in each engine.
"""
