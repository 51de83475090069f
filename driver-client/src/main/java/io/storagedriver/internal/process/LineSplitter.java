package io.storagedriver.internal.process;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a byte stream into text lines for logging, with bounded memory.
 *
 * <p>Lines end at {@code \n}, and one {@code \r} before it is dropped. Each line keeps at most
 * {@link #MAX_LINE_BYTES} bytes, and the rest is counted and replaced by "… [cut N bytes]", so a
 * stream of any length without a newline holds only one buffer of that size. Bytes decode as
 * UTF-8 with malformed sequences replaced by U+FFFD. Control characters other than tab become
 * U+FFFD too, so that a driver cannot move the cursor or fake a new log line.
 */
final class LineSplitter {
    /** The maximum number of bytes kept of one line. */
    static final int MAX_LINE_BYTES = 8 * 1024;

    private static final char REPLACEMENT = '\uFFFD';

    private final Consumer<String> sink;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int length;
    private long cutBytes;
    private boolean lastByteWasCarriageReturn;

    LineSplitter(Consumer<String> sink) {
        this.sink = sink;
    }

    /** Splits {@code count} bytes of {@code buffer} from {@code offset}, emitting whole lines. */
    void accept(byte[] buffer, int offset, int count) {
        int position = offset;
        int end = offset + count;
        while (position < end) {
            int newline = indexOf(buffer, (byte) '\n', position, end);
            int segmentEnd = newline < 0 ? end : newline;
            append(buffer, position, segmentEnd - position);
            if (newline < 0) {
                return;
            }
            emit();
            position = newline + 1;
        }
    }

    /** Emits the last line when the stream ended without a newline after it. */
    void finish() {
        if (length > 0 || cutBytes > 0) {
            emit();
        }
    }

    private void append(byte[] buffer, int offset, int count) {
        if (count == 0) {
            return;
        }
        int kept = Math.min(count, MAX_LINE_BYTES - length);
        System.arraycopy(buffer, offset, line, length, kept);
        length += kept;
        cutBytes += count - kept;
        lastByteWasCarriageReturn = buffer[offset + count - 1] == '\r';
    }

    private void emit() {
        int end = length;
        long cut = cutBytes;
        if (lastByteWasCarriageReturn) {
            if (cut > 0) {
                cut--;
            } else {
                end--;
            }
        }
        if (cut > 0) {
            int complete = completeUtf8Prefix(line, end);
            cut += end - complete;
            end = complete;
        }
        String text = withoutControlCharacters(new String(line, 0, end, StandardCharsets.UTF_8));
        if (cut > 0) {
            text = text + "… [cut " + cut + " bytes]";
        }
        length = 0;
        cutBytes = 0;
        lastByteWasCarriageReturn = false;
        sink.accept(text);
    }

    /**
     * Returns the length of the longest prefix of {@code bytes[0, end)} that does not end in
     * the middle of a UTF-8 sequence, so that a cut line does not end in U+FFFD.
     */
    static int completeUtf8Prefix(byte[] bytes, int end) {
        int lead = end - 1;
        int continuations = 0;
        while (lead >= 0 && continuations < 3 && (bytes[lead] & 0xC0) == 0x80) {
            lead--;
            continuations++;
        }
        if (lead < 0) {
            return end;
        }
        int expected = sequenceLength(bytes[lead]);
        if (expected > 1 && end - lead < expected) {
            return lead;
        }
        return end;
    }

    private static int sequenceLength(byte lead) {
        int unsigned = lead & 0xFF;
        if (unsigned >= 0xF0 && unsigned <= 0xF7) {
            return 4;
        }
        if (unsigned >= 0xE0) {
            return unsigned <= 0xEF ? 3 : 1;
        }
        if (unsigned >= 0xC0) {
            return 2;
        }
        return 1;
    }

    private static String withoutControlCharacters(String text) {
        char[] chars = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\t' && Character.isISOControl(c)) {
                if (chars == null) {
                    chars = text.toCharArray();
                }
                chars[i] = REPLACEMENT;
            }
        }
        return chars == null ? text : new String(chars);
    }

    private static int indexOf(byte[] buffer, byte value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
