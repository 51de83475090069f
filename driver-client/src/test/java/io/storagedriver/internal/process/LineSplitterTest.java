package io.storagedriver.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

    @Test
    void splitsOnNewlineAndDropsCarriageReturn() {
        assertEquals(List.of("one", "two", "", "three\uFFFDx", "last"),
                splitAtOnce("one\ntwo\r\n\nthree\rx\nlast"));
    }

    @Test
    void emitsNothingForEmptyStream() {
        assertEquals(List.of(), splitAtOnce(""));
    }

    @Test
    void chunkBoundariesDoNotMatter() {
        String text = "alpha\r\nbeta\n" + "g".repeat(9000) + "\r\nend";

        assertEquals(splitAtOnce(text), splitByteByByte(text));
    }

    @Test
    void longLineCutWithCount() {
        String text = "a".repeat(LineSplitter.MAX_LINE_BYTES + 100) + "\nnext\n";

        List<String> lines = splitAtOnce(text);

        assertEquals(2, lines.size());
        assertEquals("a".repeat(LineSplitter.MAX_LINE_BYTES) + "… [cut 100 bytes]",
                lines.get(0));
        assertEquals("next", lines.get(1));
    }

    @Test
    void cutLineDoesNotCountCarriageReturn() {
        String text = "b".repeat(LineSplitter.MAX_LINE_BYTES + 5) + "\r\n";

        assertEquals(List.of("b".repeat(LineSplitter.MAX_LINE_BYTES) + "… [cut 5 bytes]"),
                splitAtOnce(text));
    }

    @Test
    void lineOfExactlyMaxBytesKeptWhole() {
        String text = "c".repeat(LineSplitter.MAX_LINE_BYTES) + "\r\n";

        assertEquals(List.of("c".repeat(LineSplitter.MAX_LINE_BYTES)), splitAtOnce(text));
    }

    @Test
    void cutKeepsWholeUtf8Characters() {
        String text = "d".repeat(LineSplitter.MAX_LINE_BYTES - 1) + "€€\n";

        List<String> lines = splitAtOnce(text);

        assertEquals(List.of("d".repeat(LineSplitter.MAX_LINE_BYTES - 1) + "… [cut 6 bytes]"),
                lines);
    }

    @Test
    void malformedUtf8Replaced() {
        byte[] bytes = {'o', 'k', (byte) 0xC3, '(', (byte) 0xFF, '\n'};

        assertEquals(List.of("ok\uFFFD(\uFFFD"), split(List.of(bytes)));
    }

    @Test
    void controlCharactersReplaced() {
        assertEquals(List.of("tab\tkept \uFFFD[31mred\uFFFD"),
                splitAtOnce("tab\tkept \u001b[31mred\u0007\n"));
    }

    @Test
    void completeUtf8PrefixStopsBeforePartialSequence() {
        byte[] euro = "x€".getBytes(StandardCharsets.UTF_8);

        assertEquals(4, LineSplitter.completeUtf8Prefix(euro, 4));
        assertEquals(1, LineSplitter.completeUtf8Prefix(euro, 3));
        assertEquals(1, LineSplitter.completeUtf8Prefix(euro, 2));
        assertEquals(1, LineSplitter.completeUtf8Prefix(euro, 1));
    }

    private static List<String> splitAtOnce(String text) {
        return split(List.of(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> splitByteByByte(String text) {
        List<byte[]> chunks = new ArrayList<>();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            chunks.add(new byte[] {b});
        }
        return split(chunks);
    }

    private static List<String> split(List<byte[]> chunks) {
        List<String> lines = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(lines::add);
        for (byte[] chunk : chunks) {
            splitter.accept(chunk, 0, chunk.length);
        }
        splitter.finish();
        return lines;
    }
}
