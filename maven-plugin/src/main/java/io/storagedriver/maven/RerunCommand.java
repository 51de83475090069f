package io.storagedriver.maven;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Builds the command line that reruns a single check the way the goal just ran: {@code -N} if the
 * run was not recursive, the same goal (with its execution id when it ran from the POM), the same
 * {@code storagedriver.*} properties from the command line, and {@code
 * -Dstoragedriver.check=<id>}.
 */
final class RerunCommand implements UnaryOperator<String> {
    static final String CHECK_PROPERTY = "storagedriver.check";
    private static final String PREFIX = "storagedriver.";
    /** Properties that select checks or skip the run, which the rerun replaces or drops. */
    private static final Set<String> REPLACED = Set.of(CHECK_PROPERTY, "storagedriver.includes",
            "storagedriver.excludes", "storagedriver.skip");
    /** Properties whose values may be secrets, so the command shows only a placeholder. */
    private static final Set<String> SECRET = Set.of("storagedriver.parameters");
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:,=@+%-]*");

    private final String command;

    private RerunCommand(String command) {
        this.command = command;
    }

    /**
     * Creates the command.
     *
     * @param goal the goal as it can be typed, such as {@code storagedriver:verify} or {@code
     *     io.storagedriver:storagedriver-maven-plugin:0.1.0:verify}
     * @param executionId the id of the execution that ran, or null; {@code default-cli} is left
     *     out because it is what a command-line run gets anyway
     * @param userProperties the {@code -D} properties of this run; only {@code storagedriver.*}
     *     ones are repeated
     * @param recursive false if the run was limited to the current project with {@code -N}, so
     *     that a rerun in a multi-module root does not run the goal in every module
     */
    static RerunCommand of(String goal, String executionId, Properties userProperties,
            boolean recursive) {
        List<String> words = new ArrayList<>();
        words.add("mvn");
        if (!recursive) {
            words.add("-N");
        }
        boolean fromPom = executionId != null && !executionId.equals("default-cli");
        words.add(fromPom ? goal + "@" + executionId : goal);
        for (String key : new TreeSet<>(userProperties.stringPropertyNames())) {
            if (!key.startsWith(PREFIX) || REPLACED.contains(key)) {
                continue;
            }
            String value = SECRET.contains(key) ? "<same as before>"
                    : userProperties.getProperty(key);
            words.add(quote("-D" + key + "=" + value));
        }
        return new RerunCommand(String.join(" ", words));
    }

    /** Returns the command that runs only the check {@code checkId}. */
    @Override
    public String apply(String checkId) {
        return command + " " + quote("-D" + CHECK_PROPERTY + "=" + checkId);
    }

    private static String quote(String word) {
        if (SHELL_SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
