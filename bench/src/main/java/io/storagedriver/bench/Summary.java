package io.storagedriver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/**
 * Turns one JMH run into the Markdown summary: every figure with its ratio to the baseline that
 * was measured in the same run, and the target beside it. Figures of benchmarks that did not run
 * (a run narrowed by a regular expression) are shown as "not run".
 */
final class Summary {
    private static final double OBJECT_MIB = TransferBenchmark.OBJECT_BYTES / (1024.0 * 1024.0);

    /** Minimum stream throughput as a share of the raw socketpair. */
    static final double STREAM_TARGET = 0.85;
    /** Small call: at most this factor of the ping-pong plus {@link #CALL_ALLOWANCE_MICROS}. */
    static final double CALL_FACTOR = 2.0;
    static final double CALL_STRETCH_FACTOR = 1.5;
    static final double CALL_ALLOWANCE_MICROS = 10.0;
    /** Minimum aggregate throughput of 64 streams as a share of one stream's. */
    static final double CONCURRENCY_TARGET = 0.8;
    /** Minimum share of its fair share that the slowest stream gets. */
    static final double FAIRNESS_TARGET = 0.5;
    /** Maximum ratio of a driver's start to the bare start of its runtime. */
    static final double START_TARGET = 1.2;

    private final Collection<RunResult> runs;
    private final List<Double> load;
    private final Duration took;
    private final String arguments;

    Summary(Collection<RunResult> runs, List<Double> load, Duration took, String arguments) {
        this.runs = runs;
        this.load = load;
        this.took = took;
        this.arguments = arguments;
    }

    String toMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Benchmark summary\n\n");
        machine(out);
        streams(out);
        roundTrips(out);
        concurrency(out);
        starts(out);
        suite(out);
        return out.toString();
    }

    private void machine(StringBuilder out) {
        out.append("| machine | |\n|---|---|\n");
        row(out, "CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores available to the JVM");
        row(out, "JDK", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        row(out, "OS", System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch"));
        row(out, "load average (1 min) during the run", loadText());
        row(out, "run time", took.toMinutes() + " min " + took.toSecondsPart() + " s");
        row(out, "JMH arguments", arguments.isEmpty() ? "(none)" : "`" + arguments + "`");
        out.append('\n');
    }

    private void streams(StringBuilder out) {
        out.append("## Stream throughput, 64 MiB objects, 64 KiB reads and writes\n\n");
        out.append("| figure | MiB/s | share of raw | target | met |\n|---|---|---|---|---|\n");
        Optional<Double> send = mibPerSecond("TransferBenchmark.rawSend");
        Optional<Double> receive = mibPerSecond("TransferBenchmark.rawReceive");
        out.append("| raw socketpair, host to child | ").append(number(send, 0)).append(" | ")
                .append(baselineRatio(send.isPresent())).append(" | baseline | |\n");
        out.append("| raw socketpair, child to host | ").append(number(receive, 0)).append(" | ")
                .append(baselineRatio(receive.isPresent())).append(" | baseline | |\n");
        streamRow(out, "client writeStream", "TransferBenchmark.clientWriteStream", send);
        streamRow(out, "client writer + commit", "TransferBenchmark.clientWriter", send);
        streamRow(out, "client reader", "TransferBenchmark.clientReader", receive);
        out.append('\n');
    }

    private void streamRow(StringBuilder out, String label, String benchmark,
            Optional<Double> raw) {
        Optional<Double> value = mibPerSecond(benchmark);
        Optional<Double> share = ratio(value, raw);
        out.append("| ").append(label).append(" | ").append(number(value, 0)).append(" | ")
                .append(number(share, 2)).append(" | >= ").append(STREAM_TARGET).append(" | ")
                .append(met(share.map(s -> s >= STREAM_TARGET))).append(" |\n");
    }

    private void roundTrips(StringBuilder out) {
        out.append("## Small calls, microseconds (SampleTime)\n\n");
        out.append("Limit: 2 x ping-pong + 10 us; stretch: 1.5 x ping-pong + 10 us, for the mean"
                + " and for p99, against the ping-pong of the same message size.\n\n");
        out.append("| figure | mean | p50 | p99 | samples | limit mean / p99 | met | stretch"
                + " met |\n|---|---|---|---|---|---|---|---|\n");
        Optional<Statistics> pingByte = statistics("RoundTripBenchmark.rawPingPong", "1");
        Optional<Statistics> pingKib = statistics("RoundTripBenchmark.rawPingPong", "1024");
        Optional<Statistics> grpc = statistics("RoundTripBenchmark.grpcGetContent", null);
        Optional<Statistics> get = statistics("RoundTripBenchmark.getContent", null);
        callRow(out, "raw ping-pong, 1 B", pingByte, null);
        callRow(out, "raw ping-pong, 1 KiB", pingKib, null);
        callRow(out, "client stat", statistics("RoundTripBenchmark.stat", null), pingByte);
        callRow(out, "client getContent, 1 KiB", get, pingKib);
        callRow(out, "grpc-java unary get, 1 KiB", grpc, Optional.empty());
        Optional<Double> versusGrpc = ratio(get.map(Statistics::getMean),
                grpc.map(Statistics::getMean));
        out.append("\ngetContent mean / gRPC mean: ").append(number(versusGrpc, 2))
                .append(" (target < 1: ").append(met(versusGrpc.map(r -> r < 1))).append(")");
        Optional<Double> versusGrpcTail = ratio(get.map(s -> s.getPercentile(99)),
                grpc.map(s -> s.getPercentile(99)));
        out.append("; p99 / gRPC p99: ").append(number(versusGrpcTail, 2)).append(".\n\n");
    }

    /**
     * Adds a row with the limits against {@code ping}; null for a row that is itself a baseline,
     * empty for one without limits.
     */
    private void callRow(StringBuilder out, String label, Optional<Statistics> call,
            Optional<Statistics> ping) {
        out.append("| ").append(label).append(" | ")
                .append(number(call.map(Statistics::getMean), 1)).append(" | ")
                .append(number(call.map(s -> s.getPercentile(50)), 1)).append(" | ")
                .append(number(call.map(s -> s.getPercentile(99)), 1)).append(" | ")
                .append(call.map(s -> Long.toString(s.getN())).orElse("not run")).append(" | ");
        if (ping == null) {
            out.append("baseline | | |\n");
            return;
        }
        if (ping.isEmpty() || call.isEmpty()) {
            String missing = call.isEmpty() ? "not run" : "no ping-pong in this run";
            out.append(missing).append(" | ").append(missing).append(" | ").append(missing)
                    .append(" |\n");
            return;
        }
        Statistics pingStats = ping.get();
        Statistics callStats = call.get();
        double meanLimit = CALL_FACTOR * pingStats.getMean() + CALL_ALLOWANCE_MICROS;
        double tailLimit = CALL_FACTOR * pingStats.getPercentile(99) + CALL_ALLOWANCE_MICROS;
        double meanStretch = CALL_STRETCH_FACTOR * pingStats.getMean() + CALL_ALLOWANCE_MICROS;
        double tailStretch =
                CALL_STRETCH_FACTOR * pingStats.getPercentile(99) + CALL_ALLOWANCE_MICROS;
        out.append(format(meanLimit, 1)).append(" / ").append(format(tailLimit, 1)).append(" | ")
                .append(yesNo(callStats.getMean() <= meanLimit)).append(" / ")
                .append(yesNo(callStats.getPercentile(99) <= tailLimit)).append(" | ")
                .append(yesNo(callStats.getMean() <= meanStretch)).append(" / ")
                .append(yesNo(callStats.getPercentile(99) <= tailStretch)).append(" |\n");
    }

    private void concurrency(StringBuilder out) {
        out.append("## Concurrent readers, aggregate MiB/s\n\n");
        out.append("| streams | aggregate MiB/s | share of 1 stream | slowest stream's share of a"
                + " fair share | met (>= ").append(CONCURRENCY_TARGET).append(", >= ")
                .append(FAIRNESS_TARGET).append(") |\n|---|---|---|---|---|\n");
        Optional<Double> single = auxiliary("ConcurrencyBenchmark.readAtOnce", "1", "movedMib");
        for (String streams : List.of("1", "8", "64")) {
            Optional<Double> moved =
                    auxiliary("ConcurrencyBenchmark.readAtOnce", streams, "movedMib");
            Optional<Double> slowest =
                    auxiliary("ConcurrencyBenchmark.readAtOnce", streams, "slowestStreamMib");
            Optional<Double> share = ratio(moved, single);
            int count = Integer.parseInt(streams);
            Optional<Double> fairness = ratio(slowest.map(s -> s * count), moved);
            String verdict = streams.equals("1") ? met(fairness.map(f -> f >= FAIRNESS_TARGET))
                    : met(share.map(s -> s >= CONCURRENCY_TARGET)) + ", "
                            + met(fairness.map(f -> f >= FAIRNESS_TARGET));
            out.append("| ").append(streams).append(" | ").append(number(moved, 0)).append(" | ")
                    .append(number(share, 2)).append(" | ").append(number(fairness, 2))
                    .append(" | ").append(verdict).append(" |\n");
        }
        out.append('\n');
    }

    private void starts(StringBuilder out) {
        out.append("## Start, milliseconds (SingleShotTime)\n\n");
        out.append("Each kind of start on its own, minutes apart; the ratios here drift with the"
                + " load, so the target is judged on the paired starts below.\n\n");
        out.append("| figure | median | mean | min | max | runs | median / bare | target | met"
                + " |\n|---|---|---|---|---|---|---|---|---|\n");
        Optional<Statistics> bare = statistics("StartBenchmark.bareJvmEcho", null);
        Optional<Statistics> bareArchive =
                statistics("StartBenchmark.bareJvmEchoWithArchive", null);
        Optional<Statistics> driver = statistics("StartBenchmark.driverClientStart", null);
        Optional<Statistics> barePython = statistics("StartBenchmark.barePythonEcho", null);
        startRow(out, "bare JVM, echo one byte", bare, null);
        startRow(out, "bare JVM with its own CDS archive, echo one byte", bareArchive, null);
        startRow(out, "DriverClient, inmemory (Java), to ready", driver, bare);
        startRow(out, "same, against the bare JVM with archive", driver, bareArchive);
        startRow(out, "bare python3, echo one byte", barePython, null);
        startRow(out, "DriverClient, pyfs (Python), to ready",
                statistics("StartBenchmark.pythonDriverStart", null), barePython);
        out.append("\nPaired starts: a bare start and a driver start right after each other, in"
                + " alternating order.\n\n");
        out.append("| runtime | bare mean | driver mean | pairs | driver / bare | target | met |\n"
                + "|---|---|---|---|---|---|---|\n");
        pairedRow(out, "Java (inmemory)", "StartBenchmark.pairedJavaStarts");
        pairedRow(out, "Python (pyfs)", "StartBenchmark.pairedPythonStarts");
        out.append('\n');
    }

    /** Adds a row; {@code bare} is null for a row that is itself a baseline. */
    private void startRow(StringBuilder out, String label, Optional<Statistics> start,
            Optional<Statistics> bare) {
        if (bare == null) {
            out.append("| ").append(label).append(" | ")
                    .append(number(start.map(s -> s.getPercentile(50)), 1)).append(" | ")
                    .append(number(start.map(Statistics::getMean), 1)).append(" | ")
                    .append(number(start.map(Statistics::getMin), 1)).append(" | ")
                    .append(number(start.map(Statistics::getMax), 1)).append(" | ")
                    .append(start.map(s -> Long.toString(s.getN())).orElse("not run"))
                    .append(" | ").append(baselineRatio(start.isPresent()))
                    .append(" | baseline | |\n");
            return;
        }
        Optional<Double> ratio = ratio(start.map(s -> s.getPercentile(50)),
                bare.map(s -> s.getPercentile(50)));
        out.append("| ").append(label).append(" | ")
                .append(number(start.map(s -> s.getPercentile(50)), 1)).append(" | ")
                .append(number(start.map(Statistics::getMean), 1)).append(" | ")
                .append(number(start.map(Statistics::getMin), 1)).append(" | ")
                .append(number(start.map(Statistics::getMax), 1)).append(" | ")
                .append(start.map(s -> Long.toString(s.getN())).orElse("not run")).append(" | ");
        out.append(number(ratio, 2)).append(" | <= ").append(START_TARGET).append(" | ")
                .append(met(ratio.map(r -> r <= START_TARGET))).append(" |\n");
    }

    private void pairedRow(StringBuilder out, String label, String benchmark) {
        Optional<Double> bare = auxiliary(benchmark, null, "bareMs");
        Optional<Double> driver = auxiliary(benchmark, null, "driverMs");
        Optional<Double> pairs = auxiliary(benchmark, null, "pairs");
        Optional<Double> ratio = ratio(driver, bare);
        out.append("| ").append(label).append(" | ").append(number(ratio(bare, pairs), 1))
                .append(" | ").append(number(ratio(driver, pairs), 1)).append(" | ")
                .append(number(pairs, 0)).append(" | ").append(number(ratio, 3))
                .append(" | <= ").append(START_TARGET).append(" | ")
                .append(met(ratio.map(r -> r <= START_TARGET))).append(" |\n");
    }

    private void suite(StringBuilder out) {
        out.append("## Compatibility suite against inmemory, seconds (SingleShotTime)\n\n");
        Optional<Statistics> suite = statistics("SuiteBenchmark.compatibilitySuite", null);
        out.append("| mean | min | max | runs |\n|---|---|---|---|\n| ")
                .append(number(suite.map(Statistics::getMean), 2)).append(" | ")
                .append(number(suite.map(Statistics::getMin), 2)).append(" | ")
                .append(number(suite.map(Statistics::getMax), 2)).append(" | ")
                .append(suite.map(s -> Long.toString(s.getN())).orElse("not run"))
                .append(" |\n");
    }

    // Lookups.

    private Optional<RunResult> find(String benchmark, String param) {
        for (RunResult run : runs) {
            String name = run.getParams().getBenchmark();
            if (!name.endsWith("." + benchmark)) {
                continue;
            }
            if (param == null) {
                return Optional.of(run);
            }
            for (String key : run.getParams().getParamsKeys()) {
                if (param.equals(run.getParams().getParam(key))) {
                    return Optional.of(run);
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Statistics> statistics(String benchmark, String param) {
        return find(benchmark, param).map(run -> run.getPrimaryResult().getStatistics());
    }

    /** Converts milliseconds per 64 MiB object into MiB/s. */
    private Optional<Double> mibPerSecond(String benchmark) {
        return find(benchmark, null)
                .map(run -> OBJECT_MIB * 1000 / run.getPrimaryResult().getScore());
    }

    private Optional<Double> auxiliary(String benchmark, String param, String counter) {
        return find(benchmark, param).map(run -> {
            Result<?> result = run.getSecondaryResults().get(counter);
            return result == null ? null : result.getScore();
        });
    }

    // Formatting.

    private static Optional<Double> ratio(Optional<Double> value, Optional<Double> base) {
        if (value.isEmpty() || base.isEmpty() || base.get() == 0) {
            return Optional.empty();
        }
        return Optional.of(value.get() / base.get());
    }

    private String loadText() {
        if (load.isEmpty()) {
            return "not available";
        }
        double min = load.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = load.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double mean = load.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return String.format(Locale.ROOT, "mean %.2f, min %.2f, max %.2f (%d samples, every 5 s)",
                mean, min, max, load.size());
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // Not Linux; fall through.
        }
        return System.getProperty("os.arch");
    }

    private static void row(StringBuilder out, String key, String value) {
        out.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    private static String number(Optional<Double> value, int decimals) {
        return value.map(v -> format(v, decimals)).orElse("not run");
    }

    private static String format(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    /** Returns the ratio cell of a baseline row, which is 1 if the row ran. */
    private static String baselineRatio(boolean ran) {
        return ran ? "1" : "not run";
    }

    private static String met(Optional<Boolean> verdict) {
        return verdict.map(Summary::yesNo).orElse("not run");
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
