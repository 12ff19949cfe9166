package dev.hotpath.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class HotpathExceptionTest {
    @Test
    void shouldEscapeControlCharactersAnsiEscapesAndBidiControlsInFileText() {
        assertEquals("\\u001b[31mred\\u001b[0m", HotpathException.printable("\u001b[31mred\u001b[0m"));
        assertEquals("a\\nb\\rc\\td", HotpathException.printable("a\nb\rc\td"));
        assertEquals("\\u0000\\u007f\\u009b\\u2028\\u202e\\u2066x", HotpathException.printable(
                "\u0000\u007f\u009b\u2028\u202e\u2066x"));
        assertEquals("null", HotpathException.printable(null));
    }

    @Test
    void shouldKeepPrintableTextIncludingNonAsciiLettersAsItIs() {
        String text = "amount_€,país,名前 \"quoted\" C:\\data";
        assertSame(text, HotpathException.printable(text));
        assertEquals("ok", HotpathException.printable(new StringBuilder("ok")));
    }
}
