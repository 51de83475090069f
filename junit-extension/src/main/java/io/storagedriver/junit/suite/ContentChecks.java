package io.storagedriver.junit.suite;

import io.storagedriver.InvalidPathException;
import io.storagedriver.PathNotFoundException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Checks {@code putContent} and {@code getContent}: whole files in, whole files out. */
public class ContentChecks extends CheckSupport {

    @Test
    @CheckId("content.empty-round-trip")
    public void emptyContentRoundTrips() {
        roundTrip(path("empty"), new byte[0]);
    }

    @Test
    @CheckId("content.small-round-trip")
    public void smallContentRoundTrips() {
        roundTrip(path("small"), "small content\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @CheckId("content.mebibyte-round-trip")
    public void mebibyteRoundTrips() {
        roundTrip(path("mebibyte"), Patterns.bytes(seed("mebibyte"), 1024 * 1024));
    }

    @Test
    @CheckId("content.binary-round-trip")
    public void binaryContentRoundTrips() {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (int b = 0; b < 256; b++) {
            content.write(b);
        }
        // Sequences that are not UTF-8: an overlong NUL, a lone surrogate, a byte order mark
        // reversed, stray continuation bytes and a truncated sequence at the end.
        content.writeBytes(new byte[] {(byte) 0xC0, (byte) 0x80, (byte) 0xED, (byte) 0xA0,
                (byte) 0x80, (byte) 0xFF, (byte) 0xFE, (byte) 0x80, (byte) 0xBF, 0, 0, '\r',
                '\n'});
        content.writeBytes(Patterns.bytes(seed("random"), 4096));
        content.write(0xE2);
        roundTrip(path("binary"), content.toByteArray());
    }

    @Test
    @CheckId("content.shorter-overwrite-truncates")
    public void overwritingWithShorterContentTruncates() {
        String file = path("file");
        driver.putContent(file, Patterns.bytes(seed("long"), 10_000));
        byte[] shorter = Patterns.bytes(seed("short"), 10);
        driver.putContent(file, shorter);
        Patterns.assertBytes("getContent(" + file + ") after overwriting 10000 bytes with 10",
                shorter, driver.getContent(file));
    }

    @Test
    @CheckId("content.repeated-put-replaces")
    public void repeatedPutReplacesInsteadOfAppending() {
        String file = path("file");
        byte[] content = Patterns.bytes(seed("content"), 1000);
        driver.putContent(file, content);
        driver.putContent(file, content);
        Patterns.assertBytes("getContent(" + file + ") after putting the same 1000 bytes twice",
                content, driver.getContent(file));
    }

    @Test
    @CheckId("content.missing-path-not-found")
    public void missingPathIsNotFound() {
        String missing = path("missing");
        Expect.raises(PathNotFoundException.class, "getContent(" + missing + ")",
                () -> driver.getContent(missing));
        driver.putContent(path("dir/file"), new byte[1]);
        String below = path("dir/file/below");
        Expect.raises(PathNotFoundException.class, "getContent(" + below + ") below a file",
                () -> driver.getContent(below));
    }

    @Test
    @CheckId("content.directory-not-found")
    public void gettingDirectoryIsNotFound() {
        driver.putContent(path("dir/file"), new byte[1]);
        String dir = path("dir");
        Expect.raises(PathNotFoundException.class, "getContent(" + dir + ") of a directory",
                () -> driver.getContent(dir));
    }

    @Test
    @CheckId("content.put-to-directory-rejected")
    public void puttingToDirectoryIsRejected() {
        byte[] child = {1, 2, 3};
        driver.putContent(path("dir/file"), child);
        String dir = path("dir");
        Expect.raises(InvalidPathException.class, "putContent(" + dir + ") over a directory",
                () -> driver.putContent(dir, new byte[] {9}));
        Patterns.assertBytes("getContent(" + path("dir/file")
                + ") after a rejected put to its directory", child,
                driver.getContent(path("dir/file")));
    }

    private void roundTrip(String file, byte[] content) {
        driver.putContent(file, content);
        Patterns.assertBytes("getContent(" + file + ") after putContent of " + content.length
                + " bytes", content, driver.getContent(file));
    }
}
