package io.mapleak.cli;

import picocli.CommandLine;

/** Converters for options that count things: a negative count (or a zeroth dump) is a usage error, said once. */
final class Counts {
    private Counts() {
    }

    /** 0 or more ({@code --top}, {@code --limit}, {@code --min-size}). */
    static final class NonNegative implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = parse(value);
            if (n < 0) {
                throw new CommandLine.TypeConversionException("takes a number from 0, not " + value);
            }
            return n;
        }
    }

    /** 1 or more ({@code --dump}: dumps are counted from 1). */
    static final class Positive implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = parse(value);
            if (n < 1) {
                throw new CommandLine.TypeConversionException("takes a number from 1, not " + value);
            }
            return n;
        }
    }

    private static int parse(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("takes a whole number, not '" + value + "'");
        }
    }
}
