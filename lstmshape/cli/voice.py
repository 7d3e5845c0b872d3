"""The command line's voice, declared in lstmshape.options.voice: the %lstmshape magic speaks it
too, and is no part of the command line's package."""

from lstmshape.options.voice import COMMAND_LINE, OPTIONS, SWITCHES, CommandLineVoice

__all__ = ["COMMAND_LINE", "OPTIONS", "SWITCHES", "CommandLineVoice"]
