package io.storagedriver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks with JMH's usual command line and then writes a summary in Markdown: each
 * figure, its ratio to the raw socketpair or to the bare start, and the target beside it.
 *
 * <p>JMH writes its own results to the file of {@code -rff} (default {@value #DEFAULT_RESULTS}
 * in JSON). The summary goes next to it, with the extension {@code .md}. Options that only list
 * or explain, such as {@code -l} and {@code -h}, go straight to JMH's own main class.
 */
public final class BenchMain {
    static final String DEFAULT_RESULTS = "bench-results.json";
    private static final Set<String> JMH_ONLY = Set.of("-h", "-l", "-lp", "-lprof", "-lrf");

    private BenchMain() {}

    public static void main(String[] args) throws IOException, RunnerException {
        for (String arg : args) {
            if (JMH_ONLY.contains(arg)) {
                org.openjdk.jmh.Main.main(args);
                return;
            }
        }
        CommandLineOptions commandLine;
        try {
            commandLine = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("invalid option: " + e.getMessage() + "; -h lists the options");
            System.exit(1);
            return;
        }
        Path results = Path.of(commandLine.getResult().orElse(DEFAULT_RESULTS));
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(commandLine)
                .resultFormat(commandLine.getResultFormat().orElse(ResultFormatType.JSON))
                .result(results.toString());
        if (!Files.isExecutable(Path.of(StartBenchmark.PYFS_LAUNCHER))) {
            System.out.println("No Python driver at " + StartBenchmark.PYFS_LAUNCHER
                    + " below the working directory; its start benchmarks are left out.");
            builder.exclude(
                    "StartBenchmark\\.(pythonDriverStart|barePythonEcho|pairedPythonStarts)");
        }
        Options options = builder.build();

        Instant started = Instant.now();
        Collection<RunResult> runs;
        List<Double> load;
        try (LoadSampler sampler = new LoadSampler()) {
            runs = new Runner(options).run();
            load = sampler.samples();
        } catch (NoBenchmarksException e) {
            System.err.println("no benchmark matches " + commandLine.getIncludes()
                    + "; -l lists the benchmarks. The results files were left as they were.");
            System.exit(1);
            return;
        }
        Duration took = Duration.between(started, Instant.now());

        String summary = new Summary(runs, load, took, String.join(" ", args)).toMarkdown();
        Path summaryFile = summaryPath(results);
        Files.writeString(summaryFile, summary);
        System.out.println();
        System.out.println(summary);
        System.out.println("Summary written to " + summaryFile.toAbsolutePath());
    }

    private static Path summaryPath(Path results) {
        String name = results.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return results.resolveSibling(base + ".md");
    }
}
