package io.storagedriver.client;

import java.io.InputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Writes {@value #SIZE} bytes of generated content through the filesystem driver with {@code
 * writeStream}, reads them back with {@code reader} and compares SHA-256 digests. {@link
 * LargeStreamTest} runs this in a JVM with a small heap, so that a client that buffers a whole
 * stream runs out of memory.
 *
 * <p>Usage: {@code LargeStreamTransfer <root directory> [<driver executable>]}. Without an
 * executable it uses the bundled filesystem driver, and with one it starts that executable with
 * the same {@code rootdirectory}. Prints one line starting with {@value #RESULT_PREFIX}, which
 * includes the driver's peak resident memory, and exits with status 0 when the digests and sizes
 * match, 1 otherwise.
 */
public final class LargeStreamTransfer {
    static final long SIZE = 256L * 1024 * 1024;
    static final String RESULT_PREFIX = "transfer result: ";
    static final String PATH = "/large/blob";

    private LargeStreamTransfer() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        DriverOptions options = args.length > 1
                ? DriverOptions.executable(Path.of(args[1]))
                        .parameter("rootdirectory", root.toString()).build()
                : TestDriverOptions.filesystem(root).build();
        boolean matches;
        try (DriverClient client = DriverClient.start(options)) {
            MessageDigest writtenDigest = PatternContent.sha256();
            long written = client.writeStream(PATH, 0,
                    new DigestInputStream(PatternContent.stream(41, 0, SIZE), writtenDigest));
            long stored = client.currentSize(PATH);
            MessageDigest readDigest = PatternContent.sha256();
            long read = 0;
            try (InputStream in = client.reader(PATH, 0)) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    readDigest.update(buffer, 0, n);
                    read += n;
                }
            }
            String writtenSha = PatternContent.hex(writtenDigest);
            String readSha = PatternContent.hex(readDigest);
            String driverPeakRss = peakResidentKib(client.pid());
            matches = written == SIZE && stored == SIZE && read == SIZE
                    && writtenSha.equals(readSha);
            System.out.println(RESULT_PREFIX + "maxHeap=" + Runtime.getRuntime().maxMemory()
                    + " written=" + written + " stored=" + stored + " read=" + read
                    + " writtenSha256=" + writtenSha + " readSha256=" + readSha
                    + " driverPeakRssKib=" + driverPeakRss);
        }
        System.exit(matches ? 0 : 1);
    }

    /** Returns the peak resident memory (VmHWM) of a process in KiB, or -1 when /proc lacks it. */
    private static String peakResidentKib(long pid) throws java.io.IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        for (String line : java.nio.file.Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return line.replaceAll("\\D+", "");
            }
        }
        return "-1";
    }
}
